import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";
import { createDatabase } from "./database.js";
import { PREPARED, PREPARED_MARKER, preparedStatementName } from "./prepared.js";

describe("preparedStatementName", () => {
  it("names one text the same way every time, and two texts differently", () => {
    const a = `${PREPARED_MARKER}SELECT 1`;
    expect(preparedStatementName(a)).toBe(preparedStatementName(`${PREPARED_MARKER}SELECT 1`));
    expect(preparedStatementName(a)).not.toBe(preparedStatementName(`${PREPARED_MARKER}SELECT 2`));
    expect(preparedStatementName(a)).toMatch(/^kirim_[0-9a-f]{24}$/);
  });
});

describe.each(databaseKinds())("a statement marked PREPARED (%s)", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  it("answers like any statement, with its parameters", async () => {
    database = await createTestDatabase(kind);
    for (const n of [1, 2, 3]) {
      const { rows } = await sql<{ doubled: number }>`${PREPARED}SELECT ${n}::int * 2 AS doubled`.execute(database.db);
      expect(rows).toEqual([{ doubled: n * 2 }]);
    }
  });
});

describe.runIf(databaseKinds().includes("postgres"))("a statement marked PREPARED on PostgreSQL", () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  it("is prepared once per connection; unmarked statements are not", async () => {
    database = await createTestDatabase("postgres");
    // One connection: pg_prepared_statements shows only its own session's statements.
    const single = createDatabase({ databaseUrl: database.url ?? "", maxConnections: 1 });
    try {
      for (const n of [1, 2, 3]) {
        await sql`${PREPARED}SELECT ${n}::int AS marked`.execute(single.db);
        await sql`SELECT ${n}::int AS unmarked`.execute(single.db);
      }
      // Inside a transaction too (same connection).
      await single.db.transaction().execute(async (tx) => {
        await sql`${PREPARED}SELECT ${4}::int AS marked`.execute(tx);
      });
      const { rows } = await sql<{ name: string; statement: string; runs: number }>`
        SELECT name, statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements`.execute(
        single.db,
      );
      expect(rows).toEqual([
        {
          name: preparedStatementName(`${PREPARED_MARKER}SELECT $1::int AS marked`),
          statement: `${PREPARED_MARKER}SELECT $1::int AS marked`,
          runs: 4,
        },
      ]);
    } finally {
      await single.close();
    }
  });
});
