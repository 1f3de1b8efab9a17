/**
 * `POST /v1/{phone_number_id}/uploads`: header samples as raw bytes (the dashboard's file picker). Declared in the
 * endpoint table with this handler; mounted by the /v1 router before the JSON parser, which refuses any other type.
 */
import { ZMediaUpload, ZMediaUploadQuery } from "@kirim/schema";
import { DomainError, acceptedUploadType, uploadLimitFor } from "@kirim/core";
import type { Core } from "@kirim/core";
import express from "express";
import type { RequestHandler } from "express";
import { principalOf } from "../http/auth.js";
import { parseOrThrow } from "../errors/validation.js";
import { ZAccountPath } from "../endpoints/paths.js";
import { sendData, serialize } from "./serialize.js";

export function uploadSample(core: Core): RequestHandler {
  return async (req, res) => {
    const { phone_number_id: phoneNumberId } = parseOrThrow(
      ZAccountPath,
      { phone_number_id: req.params.phone_number_id },
      "path",
    );
    const query = parseOrThrow(ZMediaUploadQuery, req.query, "query");
    const contentType = req.headers["content-type"];
    const mimeType = acceptedUploadType(contentType);
    // Type and declared size are judged before a byte is read: a 1 GB PDF is refused at once.
    if (mimeType !== null) {
      const limit = uploadLimitFor(mimeType);
      const maxBytes = limit.maxBytes;
      const tooLarge = (size: string) => {
        res.setHeader("Connection", "close");
        return new DomainError("request_too_large", limit.tooLarge(size), { param: "body" });
      };
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > maxBytes) throw tooLarge(`${declared} bytes`);
      // inflate: false — a compressed body is refused (the byte cap and the magic bytes judge what Meta gets).
      await new Promise<void>((resolve, reject) => {
        // body-parser hands `next` an http-errors Error (with a `type`) or nothing.
        express.raw({ type: () => true, limit: maxBytes, inflate: false })(req, res, (error?: Error) =>
          error === undefined ? resolve() : reject(error),
        );
      }).catch((error: unknown) => {
        const type = (error as { type?: unknown } | null)?.type;
        if (type === "entity.too.large") throw tooLarge(`more than ${maxBytes} bytes`);
        if (type === "encoding.unsupported") {
          throw new DomainError("unsupported_media_type", "Send the file uncompressed (no Content-Encoding).", {
            param: "Content-Encoding",
          });
        }
        throw error;
      });
    }
    const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
    const uploaded = await core.media.uploadSample(principalOf(res.locals), phoneNumberId, {
      bytes,
      contentType,
      fileName: query.file_name,
    });
    sendData(
      res,
      201,
      serialize(ZMediaUpload, {
        object: "media_upload",
        handle: uploaded.handle,
        format: uploaded.format,
        mime_type: uploaded.mimeType,
        bytes: uploaded.bytes,
        file_name: uploaded.fileName,
      }),
    );
  };
}
