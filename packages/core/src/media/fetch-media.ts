import http from "node:http";
import https from "node:https";
import type { ClientRequest, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { checkUrl, systemResolver, timeoutError, withAbort } from "./address-guard.js";
import type { CheckedTarget, MediaResolver } from "./address-guard.js";
import { MediaError } from "./errors.js";
import { MEDIA_FILE_EXTENSIONS, MEDIA_LIMITS } from "./limits.js";
import type { MediaHeaderFormat, MediaMimeType } from "./limits.js";
import { maxBytesFor } from "./policy.js";
import type { MediaFetchPolicy } from "./policy.js";
import { declaredMediaType, SNIFF_BYTES, sniffMediaType } from "./sniff.js";

/** Everything the connector needs to open ONE request to an already checked address. */
export interface MediaRequestTarget {
  protocol: "https:" | "http:";
  /** The checked IP address; the socket goes here and nowhere else. */
  address: string;
  family: 4 | 6;
  port: number;
  /** Host header value and TLS servername (SNI + certificate check). */
  hostname: string;
  hostIsIp: boolean;
  /** Path + query. */
  path: string;
  headers: Record<string, string>;
  ca: string | undefined;
  signal: AbortSignal;
}

/** Opens a request. Injectable so tests can count (or forbid) socket opens. */
export type MediaConnector = (target: MediaRequestTarget) => ClientRequest;

/**
 * The production connector: node:https/node:http straight to the checked IP. `servername` carries
 * SNI and the name the certificate is verified against; `lookup` throws, so Node can never resolve
 * the name a second time (DNS rebinding); `agent: false` means no pooled socket from an earlier,
 * differently-checked hop is reused.
 */
export const defaultMediaConnector: MediaConnector = (target) => {
  const common = {
    host: target.address,
    family: target.family,
    port: target.port,
    path: target.path,
    method: "GET",
    headers: { ...target.headers, host: hostHeader(target) },
    agent: false as const,
    signal: target.signal,
    lookup: () => {
      throw new Error("media fetch: DNS lookups are not allowed after the address check");
    },
  };
  if (target.protocol === "http:") return http.request(common);
  return https.request({
    ...common,
    ...(target.hostIsIp ? {} : { servername: target.hostname }),
    ...(target.ca === undefined ? {} : { ca: target.ca }),
    rejectUnauthorized: true,
  });
};

function hostHeader(target: MediaRequestTarget): string {
  const host = target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname;
  const defaultPort = target.protocol === "https:" ? 443 : 80;
  return target.port === defaultPort ? host : `${host}:${target.port}`;
}

export interface FetchMediaOptions {
  url: string;
  format: MediaHeaderFormat;
  policy: MediaFetchPolicy;
  /** `param` reported on every error, e.g. `components[0].example.header_url[0]`. */
  param: string;
  resolver?: MediaResolver | undefined;
  connector?: MediaConnector | undefined;
}

export interface FetchedMedia {
  bytes: Uint8Array;
  mimeType: MediaMimeType;
  /** A safe file name with the right extension (for Meta's `file_name`). */
  fileName: string;
  /** The URL the bytes came from after redirects. */
  finalUrl: string;
  redirects: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a header sample under the SSRF policy: every hop is checked before connecting, the
 * connection goes to the checked address only, redirects are followed by hand (at most
 * `policy.maxRedirects`), and the body is capped while it streams and judged by its magic bytes.
 */
export async function fetchMedia(options: FetchMediaOptions): Promise<FetchedMedia> {
  const { format, policy, param } = options;
  const resolver = options.resolver ?? systemResolver;
  const connector = options.connector ?? defaultMediaConnector;
  const cap = maxBytesFor(policy, format);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(param)), policy.totalTimeoutMs);
  try {
    let current: string | URL = options.url;
    for (let redirects = 0; ; redirects += 1) {
      const target = await checkUrl(current, { policy, resolver, param, signal: controller.signal });
      const response = await open(target, connector, policy, controller.signal, param);
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        response.destroy();
        const location = response.headers.location;
        if (location === undefined || location === "") {
          throw new MediaError("media_download_failed", param, `The media URL answered ${status} without a Location.`, {
            details: { status },
          });
        }
        if (redirects >= policy.maxRedirects) {
          throw new MediaError(
            "media_download_failed",
            param,
            `Too many redirects (more than ${policy.maxRedirects}).`,
            {
              details: { reason: "too_many_redirects" },
            },
          );
        }
        try {
          current = new URL(location, target.url);
        } catch (error) {
          throw new MediaError("media_url_forbidden", param, "The media URL redirected to an invalid URL.", {
            cause: error,
          });
        }
        continue;
      }
      if (status !== 200) {
        response.destroy();
        throw new MediaError("media_download_failed", param, `Downloading the media failed with HTTP ${status}.`, {
          details: { status },
        });
      }
      const body = await readBody(response, { format, cap, param, signal: controller.signal });
      return { ...body, fileName: fileNameFor(target.url, body.mimeType), finalUrl: target.url.toString(), redirects };
    }
  } catch (error) {
    if (error instanceof MediaError) throw error;
    if (controller.signal.aborted) throw timeoutError(param, error);
    throw new MediaError("media_download_failed", param, "Downloading the media failed.", {
      cause: error,
      details: { reason: "network" },
    });
  } finally {
    clearTimeout(timer);
  }
}

function open(
  target: CheckedTarget,
  connector: MediaConnector,
  policy: MediaFetchPolicy,
  signal: AbortSignal,
  param: string,
): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal.aborted) {
      reject(timeoutError(param));
      return;
    }
    const request = connector({
      protocol: target.protocol,
      address: target.address,
      family: target.family,
      port: target.port,
      hostname: target.hostname,
      hostIsIp: target.hostIsIp,
      path: `${target.url.pathname}${target.url.search}`,
      headers: {
        accept: MEDIA_LIMITS_ACCEPT,
        "accept-encoding": "identity",
        "user-agent": policy.userAgent,
      },
      ca: target.ca,
      signal,
    });
    let connectTimer: NodeJS.Timeout | undefined;
    const fail = (error: Error) => {
      if (connectTimer !== undefined) clearTimeout(connectTimer);
      request.destroy();
      reject(error);
    };
    request.once("socket", (socket: Socket) => {
      // Late socket errors (after we gave up) must not crash the process; they still reach `request`.
      socket.on("error", () => undefined);
      const connectedEvent = target.protocol === "https:" ? "secureConnect" : "connect";
      connectTimer = setTimeout(() => {
        fail(
          new MediaError("media_download_failed", param, "Connecting to the media host timed out.", {
            details: { reason: "connect_timeout" },
          }),
        );
      }, policy.connectTimeoutMs);
      socket.once(connectedEvent, () => clearTimeout(connectTimer));
    });
    request.once("response", (response) => {
      if (connectTimer !== undefined) clearTimeout(connectTimer);
      // A protocol error after the headers (e.g. more bytes than Content-Length declared) is
      // reported on the request; turn it into a failure of the body so it is never ignored.
      request.on("error", (error) => {
        protocolErrors.set(response, error);
        response.destroy(error);
      });
      resolve(response);
    });
    request.once("error", (error) => {
      if (signal.aborted) fail(timeoutError(param, error));
      else
        fail(
          new MediaError("media_download_failed", param, `Connecting to the media host failed.`, {
            cause: error,
            details: { reason: "network" },
          }),
        );
    });
    request.end();
  });
}

/** Errors the request reported after its response started (see `open`). */
const protocolErrors = new WeakMap<IncomingMessage, Error>();

const MEDIA_LIMITS_ACCEPT = [...new Set(Object.values(MEDIA_LIMITS).flatMap((limit) => limit.mimeTypes))].join(", ");

async function readBody(
  response: IncomingMessage,
  context: { format: MediaHeaderFormat; cap: number; param: string; signal: AbortSignal },
): Promise<{ bytes: Uint8Array; mimeType: MediaMimeType }> {
  const { format, cap, param } = context;
  const allowed = MEDIA_LIMITS[format].mimeTypes;
  // Errors are created first and the response destroyed after they are settled, so the
  // "aborted"/"error" events a destroy emits can never overtake the real reason.
  const unsupported = (message: string, details?: Record<string, unknown>) =>
    new MediaError("media_type_unsupported", param, message, { details });

  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "") {
    response.destroy();
    throw unsupported(`The media was sent with Content-Encoding ${encoding}; an unencoded file is required.`);
  }
  const declared = declaredMediaType(response.headers["content-type"]);
  if (declared !== null && !(allowed as readonly string[]).includes(declared)) {
    response.destroy();
    throw unsupported(`${format} headers accept ${allowed.join(" or ")}; the server declared ${declared}.`, {
      declared,
    });
  }
  const lengthHeader = response.headers["content-length"];
  const declaredLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declaredLength !== undefined && Number.isFinite(declaredLength) && declaredLength > cap) {
    response.destroy();
    throw new MediaError(
      "media_too_large",
      param,
      `The media is ${declaredLength} bytes; ${format} samples may be at most ${cap} bytes.`,
      {
        details: { maxBytes: cap, declaredBytes: declaredLength },
      },
    );
  }

  // The response may already have failed between the "response" event and here (a broken
  // response that arrived in one packet emits its "aborted"/"error"/"close" at once).
  if (response.destroyed) {
    throw new MediaError("media_download_failed", param, "The media server broke off the response.", {
      cause: protocolErrors.get(response) ?? response.errored ?? undefined,
      details: { reason: "protocol" },
    });
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let sniffed: MediaMimeType | undefined;
  const judge = (head: Uint8Array, final: boolean): MediaError | undefined => {
    if (sniffed !== undefined || (!final && head.length < SNIFF_BYTES)) return undefined;
    const type = sniffMediaType(head);
    if (type === null)
      return unsupported(`The file is not a ${allowed.join(" or ")} file (judged by its content).`, { declared });
    if (type === "video/3gpp")
      return unsupported("3GPP video is not accepted by Meta's upload API; send an MP4.", { detected: type });
    if (!(allowed as readonly string[]).includes(type)) {
      return unsupported(`${format} headers accept ${allowed.join(" or ")}; the file is ${type}.`, { detected: type });
    }
    if (declared !== null && declared !== type) {
      return unsupported(`The server declared ${declared} but the file is ${type}.`, { declared, detected: type });
    }
    sniffed = type;
    return undefined;
  };

  await withAbort(
    new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve();
        else reject(error);
      };
      response.on("data", (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > cap) {
          settle(
            new MediaError(
              "media_too_large",
              param,
              `The media is larger than ${cap} bytes, the cap for ${format} samples.`,
              { details: { maxBytes: cap } },
            ),
          );
          response.destroy();
          return;
        }
        chunks.push(chunk);
        if (sniffed === undefined && received >= SNIFF_BYTES) {
          const problem = judge(Buffer.concat(chunks), false);
          if (problem !== undefined) {
            settle(problem);
            response.destroy();
          }
        }
      });
      response.once("end", () => settle());
      response.once("close", () =>
        settle(
          new MediaError("media_download_failed", param, "The media download was cut off.", {
            details: { reason: "closed" },
          }),
        ),
      );
      response.once("aborted", () =>
        settle(
          new MediaError("media_download_failed", param, "The media download was cut off.", {
            details: { reason: "aborted" },
          }),
        ),
      );
      response.once("error", (error) => {
        settle(
          context.signal.aborted
            ? timeoutError(param, error)
            : new MediaError("media_download_failed", param, "The media download failed.", {
                cause: error,
                details: { reason: "network" },
              }),
        );
      });
    }),
    context.signal,
  ).catch((error: unknown) => {
    response.destroy();
    throw error;
  });

  // Let a protocol error that trails the last byte surface before we trust the body.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const protocolError = protocolErrors.get(response);
  if (protocolError !== undefined) {
    throw new MediaError("media_download_failed", param, "The media server broke the HTTP protocol.", {
      cause: protocolError,
      details: { reason: "protocol" },
    });
  }
  if (declaredLength !== undefined && received !== declaredLength) {
    throw new MediaError(
      "media_download_failed",
      param,
      `The media download was truncated (${received} of ${declaredLength} bytes).`,
      {
        details: { reason: "truncated" },
      },
    );
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0)
    throw new MediaError("media_download_failed", param, "The media URL returned an empty body.", {
      details: { reason: "empty" },
    });
  const problem = judge(bytes, true);
  if (problem !== undefined) throw problem;
  if (sniffed === undefined) throw unsupported("The file type could not be determined.");
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), mimeType: sniffed };
}

/** `…/summer%20sale.JPG?x` → `summer_sale.jpg`; the extension always follows the detected type. */
export function fileNameFor(url: URL, mimeType: MediaMimeType): string {
  const ext = MEDIA_FILE_EXTENSIONS[mimeType];
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the raw path
  }
  const last = path.split(/[/\\]/).pop() ?? "";
  const stem = last
    .replace(/\.[^.]*$/, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._-]+|[._-]+$/g, "")
    .slice(0, 100);
  return `${stem === "" ? "header" : stem}.${ext}`;
}
