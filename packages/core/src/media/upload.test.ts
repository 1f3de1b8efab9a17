import { afterEach, describe, expect, it } from "vitest";
import { MetaApiError } from "../meta/meta-api-error.js";
import { MediaError } from "./errors.js";
import { uploadMediaToMeta } from "./upload.js";
import { startFakeMetaUpload } from "./testing/fixtures.js";
import type { FakeMetaUpload, FakeMetaUploadOptions } from "./testing/fixtures.js";

const servers: FakeMetaUpload[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(options: FakeMetaUploadOptions = {}) {
  const server = await startFakeMetaUpload(options);
  servers.push(server);
  return server;
}

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function base(meta: FakeMetaUpload) {
  return {
    graphUrl: meta.graphUrl,
    apiVersion: meta.apiVersion,
    appId: meta.appId,
    accessToken: meta.accessToken,
    fileName: "sample.png",
    mimeType: "image/png",
  };
}

/** Everything a caller could log about an error, to prove the token is absent. */
function everything(error: unknown): string {
  const e = error as MediaError & { cause?: Error };
  return [e.message, JSON.stringify(e.details ?? {}), e.cause?.message ?? "", String(e.stack)].join("\n");
}

describe("uploadMediaToMeta (Resumable Upload API against a loopback fake)", () => {
  it("opens a session, transfers from offset 0 and returns the handle", async () => {
    const meta = await fake();
    const data = bytes(3000);
    const handle = await uploadMediaToMeta({ ...base(meta), bytes: data });
    const session = meta.sessions[0];
    expect(session).toMatchObject({ fileName: "sample.png", fileLength: 3000, fileType: "image/png" });
    expect(session?.id).toMatch(/^upload:[A-Za-z0-9]+\?sig=/);
    expect(handle).toBe(meta.handleFor(session?.id.split("?")[0] ?? ""));
    const [start, transfer] = meta.requests;
    expect(start?.method).toBe("POST");
    expect(start?.url).toContain(`/${meta.apiVersion}/${meta.appId}/uploads?`);
    expect(transfer?.headers.authorization).toBe(`OAuth ${meta.accessToken}`);
    expect(transfer?.headers.file_offset).toBe("0");
    expect(transfer?.url).toContain("?sig=");
    expect(Buffer.from(meta.received.values().next().value ?? Buffer.alloc(0)).equals(Buffer.from(data))).toBe(true);
  });

  it("resumes a broken transfer from the offset the server reports", async () => {
    const meta = await fake({ breakAfterBytes: 1000 });
    const data = bytes(200_000);
    const handle = await uploadMediaToMeta({ ...base(meta), bytes: data });
    expect(handle.startsWith("4::")).toBe(true);
    const calls = meta.requests.map((r) => `${r.method} ${String(r.headers.file_offset ?? "-")}`);
    expect(calls).toEqual(["POST -", "POST 0", "GET -", "POST 1000"]);
    const stored = meta.received.values().next().value;
    expect(stored?.length).toBe(data.length);
    expect(Buffer.from(stored ?? Buffer.alloc(0)).equals(Buffer.from(data))).toBe(true);
  });

  it("gives up after the bounded number of resume attempts with a 502 media_upload_failed", async () => {
    const meta = await fake({ breakAfterBytes: 10, breakTimes: 100 });
    const error = await uploadMediaToMeta({
      ...base(meta),
      bytes: bytes(100_000),
      maxResumeAttempts: 2,
      param: "components[0].example.header_url[0]",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect(error).toMatchObject({
      code: "media_upload_failed",
      status: 502,
      param: "components[0].example.header_url[0]",
    });
    // 1 start + 3 transfers + 2 status checks.
    expect(meta.requests.filter((r) => r.method === "POST").length).toBe(4);
    expect(meta.requests.filter((r) => r.method === "GET").length).toBe(2);
    expect(everything(error)).not.toContain(meta.accessToken);
  });

  it("a Graph error on the transfer fails at once, with Meta's code and without the token", async () => {
    const meta = await fake({
      failTransferWith: {
        status: 400,
        body: { error: { message: "Invalid file", type: "OAuthException", code: 100, fbtrace_id: "Xyz" } },
      },
    });
    const error = await uploadMediaToMeta({ ...base(meta), bytes: bytes(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "media_upload_failed",
      status: 502,
      details: { step: "transfer", status: 400, code: 100, fbtrace_id: "Xyz" },
    });
    expect(meta.requests.length).toBe(2);
    expect(everything(error)).not.toContain(meta.accessToken);
  });

  it("goes through the gateway's transport: the cause is its MetaApiError with Meta's status, code and trace id", async () => {
    const refused = await fake({
      failTransferWith: {
        status: 400,
        body: { error: { message: "Invalid file", type: "OAuthException", code: 100, fbtrace_id: "Xyz" } },
      },
    });
    const error = (await uploadMediaToMeta({ ...base(refused), bytes: bytes(100) }).catch(
      (e: unknown) => e,
    )) as MediaError;
    expect(error.cause).toBeInstanceOf(MetaApiError);
    expect(error.cause).toMatchObject({
      kind: "graph",
      status: 400,
      code: 100,
      fbtraceId: "Xyz",
      metaMessage: "Invalid file",
    });
    // A 5xx on the transfer is resumed like a broken connection, then given up with the last failure as the cause.
    const failing = await fake({
      failTransferWith: {
        status: 503,
        body: { error: { message: "Service unavailable", code: 2, is_transient: true, fbtrace_id: "T503" } },
      },
    });
    const exhausted = (await uploadMediaToMeta({ ...base(failing), bytes: bytes(100), maxResumeAttempts: 1 }).catch(
      (e: unknown) => e,
    )) as MediaError;
    expect(exhausted).toMatchObject({ code: "media_upload_failed", details: { step: "transfer", attempts: 2 } });
    expect(exhausted.cause).toMatchObject({ kind: "graph", status: 503, code: 2, fbtraceId: "T503" });
    expect(everything(exhausted)).not.toContain(failing.accessToken);
  });

  it("a rejected token at session start fails without the token in the error", async () => {
    const meta = await fake();
    const error = await uploadMediaToMeta({
      ...base(meta),
      accessToken: "EAAG-wrong-token-ALSO-SECRET",
      bytes: bytes(100),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "media_upload_failed", details: { step: "start", status: 401, code: 190 } });
    expect(everything(error)).not.toContain("EAAG-wrong-token-ALSO-SECRET");
  });

  it("an unreachable Graph URL is media_upload_failed and never leaks the token", async () => {
    const meta = await fake();
    const graphUrl = meta.graphUrl;
    await meta.close();
    servers.splice(0);
    const error = await uploadMediaToMeta({ ...base(meta), graphUrl, bytes: bytes(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "media_upload_failed", details: { step: "start" } });
    expect(everything(error)).not.toContain(meta.accessToken);
  });

  it("refuses a session id that is not upload:<id> (the token never follows it)", async () => {
    const meta = await fake({ sessionId: "upload:../../../evil" });
    const error = await uploadMediaToMeta({ ...base(meta), bytes: bytes(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "media_upload_failed" });
    expect(meta.requests.length).toBe(1);
  });

  it("continues after a partial acceptance ({id, file_offset} without h) and times out a stalled transfer into a resume", async () => {
    // Injected fetch: scripted Graph answers, no network at all.
    const log: string[] = [];
    let transfers = 0;
    const scripted: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const offset = new Headers(init?.headers).get("file_offset");
      log.push(`${init?.method ?? "GET"} ${url.pathname} ${offset ?? "-"}`);
      if (url.pathname.endsWith("/uploads")) return Response.json({ id: "upload:abc?sig=s1" });
      if (init?.method === "GET") return Response.json({ id: "upload:abc", file_offset: "60" });
      transfers += 1;
      if (transfers === 1) return Response.json({ id: "upload:abc", file_offset: "40" });
      if (transfers === 2) {
        // Stall until the per-transfer timeout aborts us.
        return new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () =>
            reject(init.signal?.reason instanceof Error ? init.signal.reason : new Error("aborted")),
          );
        });
      }
      return Response.json({ h: "4::done" });
    };
    const handle = await uploadMediaToMeta({
      graphUrl: "http://graph.invalid",
      apiVersion: "v23.0",
      appId: "42",
      accessToken: "tok",
      bytes: bytes(100),
      fileName: "a.pdf",
      mimeType: "application/pdf",
      fetch: scripted,
      transferTimeoutMs: 50,
    });
    expect(handle).toBe("4::done");
    expect(log).toEqual([
      "POST /v23.0/42/uploads -",
      "POST /v23.0/upload:abc 0",
      "POST /v23.0/upload:abc 40",
      "GET /v23.0/upload:abc -",
      "POST /v23.0/upload:abc 60",
    ]);
  });
});
