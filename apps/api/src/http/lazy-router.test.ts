import express from "express";
import type { RequestHandler } from "express";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { lazyHandler } from "./lazy-router.js";

/** GET `path` from `app` over loopback HTTP, as a client would. */
async function get(app: express.Express, path: string): Promise<{ status: number; text: string }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: response.status, text: await response.text() };
  } finally {
    server.close();
  }
}

describe("lazyHandler", () => {
  it("loads its handler on the first request only, once for concurrent requests", async () => {
    let loads = 0;
    const app = express();
    app.use(
      "/lazy",
      lazyHandler(async () => {
        loads++;
        await new Promise((r) => setTimeout(r, 20));
        const handler: RequestHandler = (_req, res) => void res.json({ loaded: loads });
        return handler;
      }),
    );
    expect(loads).toBe(0);
    const answers = await Promise.all([get(app, "/lazy"), get(app, "/lazy")]);
    expect(answers.map((a) => JSON.parse(a.text) as unknown)).toEqual([{ loaded: 1 }, { loaded: 1 }]);
    expect(JSON.parse((await get(app, "/lazy")).text)).toEqual({ loaded: 1 });
    expect(loads).toBe(1);
  });

  it("passes a failed load to the error handler and tries again on the next request", async () => {
    let attempts = 0;
    const app = express();
    app.use(
      "/lazy",
      lazyHandler(() => {
        attempts++;
        if (attempts === 1) return Promise.reject(new Error("module missing"));
        const handler: RequestHandler = (_req, res) => void res.send("ok");
        return Promise.resolve(handler);
      }),
    );
    app.use(
      ((error: Error, _req, res, _next) => void res.status(503).send(error.message)) as express.ErrorRequestHandler,
    );
    const failed = await get(app, "/lazy");
    expect([failed.status, failed.text]).toEqual([503, "module missing"]);
    const retried = await get(app, "/lazy");
    expect([retried.status, retried.text]).toEqual([200, "ok"]);
  });
});
