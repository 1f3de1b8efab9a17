/**
 * Child process: baseline (a) of the sync benchmark — fetching the same pages alone. A plain loop over Node's
 * global fetch (the client our gateway uses), same query as the API sent (taken from the sandbox's request log),
 * following `paging.cursors.after` until `paging.next` is absent, parsing each page as JSON and nothing more.
 * A separate process like the API, so both fetch from the sandbox under the same conditions. Driven over IPC:
 * `{url, query, accessToken}` in, `{ms, pages, templates, bytes}` out.
 */
interface FetchRequest {
  url: string;
  query: Record<string, string>;
  accessToken: string;
}

interface Page {
  data?: unknown[];
  paging?: { next?: string; cursors?: { after?: string } };
}

async function fetchAll(
  request: FetchRequest,
): Promise<{ ms: number; pages: number; templates: number; bytes: number }> {
  const started = performance.now();
  let after: string | undefined;
  let pages = 0;
  let templates = 0;
  let bytes = 0;
  for (;;) {
    const url = new URL(request.url);
    for (const [k, v] of Object.entries(request.query)) url.searchParams.set(k, v);
    if (after !== undefined) url.searchParams.set("after", after);
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${request.accessToken}`, Accept: "application/json" },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`page ${pages + 1}: HTTP ${response.status} ${text.slice(0, 200)}`);
    bytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as Page;
    pages++;
    templates += page.data?.length ?? 0;
    if (!page.paging?.next) break;
    after = page.paging.cursors?.after;
    if (!after) throw new Error("paging.next without an after cursor");
  }
  return { ms: performance.now() - started, pages, templates, bytes };
}

process.on("message", (message: FetchRequest) => {
  fetchAll(message).then(
    (result) => process.send?.({ ok: true, ...result }),
    (error: unknown) => process.send?.({ ok: false, error: String(error) }),
  );
});
process.send?.({ ready: true });
