import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";
import { createDatabase } from "./database.js";
import { fixedStatement, PREPARED, PREPARED_MARKER, preparedStatementName } from "./prepared.js";

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

describe.each(databaseKinds())("fixedStatement (%s)", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  it("binds numbered parameters used in any order and any number of times, and Kysely's plugins see it", async () => {
    database = await createTestDatabase(kind);
    const seen: string[] = [];
    const db = database.db.withPlugin({
      transformQuery: (args) => {
        seen.push(JSON.stringify(args.node));
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    });
    const statement = fixedStatement<{ a: string; b: number; again: string }>(
      `${PREPARED_MARKER}SELECT $2::text AS a, $1::int AS b, $2::text || '$' AS again`,
    );
    for (const n of [1, 2]) {
      const { rows } = await statement(db, [n, `x${n}`]);
      expect(rows).toEqual([{ a: `x${n}`, b: n, again: `x${n}$` }]);
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]).toContain("SELECT ");
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
      // A fixedStatement compiles to one text whatever its parameters: prepared once too.
      const fixed = fixedStatement(`${PREPARED_MARKER}SELECT $1::int AS fixed, $1::int + $2::int AS summed`);
      for (const n of [1, 2, 3]) await fixed(single.db, [n, n]);
      // Inside a transaction too (same connection).
      await single.db.transaction().execute(async (tx) => {
        await sql`${PREPARED}SELECT ${4}::int AS marked`.execute(tx);
      });
      const { rows } = await sql<{ name: string; statement: string; runs: number }>`
        SELECT name, statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements ORDER BY statement`.execute(
        single.db,
      );
      const fixedText = `${PREPARED_MARKER}SELECT $1::int AS fixed, $2::int + $3::int AS summed`;
      expect(rows).toEqual([
        { name: preparedStatementName(fixedText), statement: fixedText, runs: 3 },
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
