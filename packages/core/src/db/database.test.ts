import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { existsSync } from "node:fs";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase, PGLITE_SHARED_BUFFERS } from "./database.js";
import { migrateToLatest } from "./migrate.js";

describe("createDatabase (embedded PGlite)", () => {
  it(
    "starts PGlite with small shared buffers: its WASM memory never shrinks, so the default 128 MB would stay resident",
    { timeout: 120_000 },
    async () => {
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
    },
  );

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

    /** Spies on PGlite.create in this thread, noting whether the directory was already made when it was called. */
    const spyOnCreate = (dataDir: () => string) => {
      const original = PGlite.create.bind(PGlite);
      const madeBefore: boolean[] = [];
      const created: Promise<PGlite>[] = [];
      vi.spyOn(PGlite, "create").mockImplementation(((options?: PGliteOptions) => {
        madeBefore.push(existsSync(path.join(dataDir(), "PG_VERSION")));
        const instance = original(options);
        created.push(instance);
        return instance;
      }) as typeof PGlite.create);
      return { madeBefore, created };
    };

    it("makes a fresh directory (initdb) in a child process, whose memory goes back to the OS when it exits, and serves from an instance that opens it as an existing one", async () => {
      let dataDir = "";
      const { madeBefore, created } = spyOnCreate(() => dataDir);
      dataDir = await freshDir();
      const database = createDatabase({ dataDir });
      try {
        expect(await migrateToLatest(database.db)).not.toHaveLength(0);
        await sql`CREATE TABLE note (body text)`.execute(database.db);
        await sql`INSERT INTO note VALUES ('written on the first start')`.execute(database.db);
        // One instance in this thread, created after the directory was made: it ran no initdb of its own.
        expect(madeBefore).toEqual([true]);
        expect((await created[0])?.closed).toBe(false);
        // The serving instance has the same settings as the one that made the directory.
        const { rows } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(database.db);
        expect(rows[0]?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
      } finally {
        await database.close();
      }
      expect((await created[0])?.closed).toBe(true);

      // A second start on the existing directory: migrations ran once; the data is there.
      const again = createDatabase({ dataDir });
      try {
        expect(await migrateToLatest(again.db)).toEqual([]);
        const { rows } = await sql<{ body: string }>`SELECT body FROM note`.execute(again.db);
        expect(rows).toEqual([{ body: "written on the first start" }]);
      } finally {
        await again.close();
      }
    });

    it("listens on the instance opened after initdb, and closes it even when no query ran", async () => {
      let dataDir = await freshDir();
      const { created } = spyOnCreate(() => dataDir);
      const database = createDatabase({ dataDir });
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

      dataDir = await freshDir();
      const unused = createDatabase({ dataDir });
      await unused.close();
      const instances = await Promise.all(created);
      expect(instances).toHaveLength(2);
      expect(instances.every((i) => i.closed)).toBe(true);
    });

    it("fails every query with the reason when the directory cannot be opened", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "kirim-pglite-"));
      dirs.push(dir);
      // A regular file where the data directory should be.
      const blocked = path.join(dir, "file");
      await writeFile(blocked, "not a directory");
      const database = createDatabase({ dataDir: path.join(blocked, "pglite") });
      // The child that runs initdb fails; its error says which directory and why.
      await expect(sql`SELECT 1`.execute(database.db)).rejects.toThrow(/initdb of .*pglite exited with 1: .*ENOTDIR/s);
      await database.close();
    });
  });
});
