/** Cursor paging: `for await` over every item of every page, or `.all()`. Nothing is fetched until you iterate. */

/** One page of a list endpoint (the list envelope without `request_id`). */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export class PageIterator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}

  /** Every page, following `next_cursor` until `has_more` is false. */
  async *pages(): AsyncGenerator<Page<T>> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield page;
      if (!page.has_more || page.next_cursor === null) return;
      cursor = page.next_cursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Only the first page (with its `next_cursor`). */
  firstPage(): Promise<Page<T>> {
    return this.fetchPage(undefined);
  }

  /** Every item of every page, in order. */
  async all(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
