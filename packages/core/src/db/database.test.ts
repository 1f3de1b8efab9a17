import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDatabase, PGLITE_SHARED_BUFFERS } from "./database.js";

describe("createDatabase (embedded PGlite)", () => {
  it("starts PGlite with small shared buffers: its WASM memory never shrinks, so the default 128 MB would stay resident", async () => {
    const database = createDatabase();
    const { db } = database;
    const close = () => database.close();
    try {
      const { rows } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(db);
      expect(rows[0]?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
      expect(PGLITE_SHARED_BUFFERS).toBe("16MB");
    } finally {
      await close();
    }
  });
});
