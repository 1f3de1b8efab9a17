import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase, PGLITE_SHARED_BUFFERS } from "./database.js";
import { migrateToLatest } from "./migrate.js";

describe("createDatabase (embedded PGlite)", () => {
  it("starts PGlite with small shared buffers: its WASM memory never shrinks, so the default 128 MB would stay resident", { timeout: 120_000 }, async () => {
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

  // Each opens PGlite in a new directory (initdb, then the reopen): slow on a loaded machine.
  describe("in a data directory", { timeout: 180_000 }, () => {
    const dirs: string[] = [];
    const freshDir = async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "kirim-pglite-"));
      dirs.push(dir);
      return path.join(dir, "pglite");
    };
    afterEach(async () => {
      vi.restoreAllMocks();
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it("closes the instance that ran initdb in a fresh directory and serves from a new one (initdb's WASM memory is freed with it)", async () => {
      const created = vi.spyOn(PGlite, "create");
      const dataDir = await freshDir();
      const database = createDatabase({ dataDir });
      try {
        expect(await migrateToLatest(database.db)).not.toHaveLength(0);
        await sql`CREATE TABLE note (body text)`.execute(database.db);
        await sql`INSERT INTO note VALUES ('written on the first start')`.execute(database.db);
        const instances = await Promise.all(created.mock.results.map((r) => r.value as Promise<PGlite>));
        // The first instance (the one that ran initdb, in an instance of its own) is closed; a later one serves.
        expect(instances.length).toBeGreaterThan(1);
        expect(instances[0]?.closed).toBe(true);
        expect(instances.at(-1)?.closed).toBe(false);
        // SHOW after the reopen: the serving instance has the same settings as the one that made the directory.
        const { rows } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(database.db);
        expect(rows[0]?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
      } finally {
        await database.close();
      }

      // A second start on the existing directory: no initdb, so no reopen; migrations ran once; the data is there.
      created.mockClear();
      const again = createDatabase({ dataDir });
      try {
        expect(await migrateToLatest(again.db)).toEqual([]);
        const { rows } = await sql<{ body: string }>`SELECT body FROM note`.execute(again.db);
        expect(rows).toEqual([{ body: "written on the first start" }]);
        expect(created).not.toHaveBeenCalled();
      } finally {
        await again.close();
      }
    });

    it("listens on the reopened instance, and closes it even when no query ran", async () => {
      const created = vi.spyOn(PGlite, "create");
      const database = createDatabase({ dataDir: await freshDir() });
      const heard: string[] = [];
      let listening = false;
      const listener = database.listen("kirim_test", {
        onNotify: (payload) => heard.push(payload),
        onListening: (value) => {
          listening = value;
        },
      });
      await vi.waitFor(() => expect(listening).toBe(true), { timeout: 60_000 });
      await sql`SELECT pg_notify('kirim_test', 'hello')`.execute(database.db);
      await vi.waitFor(() => expect(heard).toEqual(["hello"]), { timeout: 10_000 });
      await listener.close();
      await database.close();
      const instances = await Promise.all(created.mock.results.map((r) => r.value as Promise<PGlite>));
      expect(instances.length).toBeGreaterThan(1);
      expect(instances.every((i) => i.closed)).toBe(true);

      created.mockClear();
      const unused = createDatabase({ dataDir: await freshDir() });
      await unused.close();
      const all = await Promise.all(created.mock.results.map((r) => r.value as Promise<PGlite>));
      expect(all.length).toBeGreaterThan(1);
      expect(all.every((i) => i.closed)).toBe(true);
    });

    it("fails every query with the reason when the directory cannot be opened", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "kirim-pglite-"));
      dirs.push(dir);
      // A regular file where the data directory should be.
      const blocked = path.join(dir, "file");
      await writeFile(blocked, "not a directory");
      const database = createDatabase({ dataDir: path.join(blocked, "pglite") });
      await expect(sql`SELECT 1`.execute(database.db)).rejects.toThrow();
      await database.close();
    });
  });
});
