/**
 * Requests Node's HTTP parser refuses (headers or URL over its 16 kB limit, a malformed request line, broken chunked
 * framing) never reach Express: Node would answer a bare `400`/`431` with no body. This answers them in the Kirimdev
 * envelope instead — 400 `invalid_request` with a request id — and closes the connection, whose framing is lost.
 */
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { DomainError } from "@kirim/core";
import { toErrorResponse } from "../rest/error-response.js";
import { newRequestId, REQUEST_ID_HEADER } from "./request-id.js";

function describe(code: string | undefined): string {
  if (code === "HPE_HEADER_OVERFLOW") return "The request's headers or URL are too large (16 kB at most).";
  return "The request could not be parsed as HTTP/1.1.";
}

/** The raw HTTP/1.1 answer for a refused request (exported for unit tests). */
export function clientErrorResponse(code: string | undefined, requestId: string): string {
  // The envelope comes from the one REST error translator; only the framing is written by hand here.
  const response = toErrorResponse(new DomainError("invalid_request", describe(code)), requestId);
  const body = JSON.stringify(response.body);
  return [
    `HTTP/1.1 ${response.status} Bad Request`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

export function answerClientErrorsInEnvelope(server: Server): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or a timed-out socket has nobody to answer.
    if (error.code === "ECONNRESET" || error.code === "ERR_HTTP_REQUEST_TIMEOUT" || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code, newRequestId()));
  });
}
