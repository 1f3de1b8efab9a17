import { isIPv6 } from "node:net";
import type { Request } from "express";

/** Expands an IPv6 address to its eight groups (`::` filled in; an embedded IPv4 tail counts as two groups). */
function ipv6Groups(address: string): string[] {
  const [head = "", tail] = address.split("::") as [string, string | undefined];
  const parts = (text: string): string[] =>
    (text === "" ? [] : text.split(":")).flatMap((part) => (part.includes(".") ? ["0", "0"] : [part]));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right].map((group) =>
    group.toLowerCase().replace(/^0+(?=.)/, ""),
  );
}

/**
 * Who failed to authenticate, for the per-address bucket: the connection's address (Express's `req.ip`, which
 * follows a `trust proxy` setting if one is ever made). An IPv4-mapped IPv6 address is its IPv4 address; any other
 * IPv6 address counts as its /64, the block one host usually holds, so rotating addresses inside it gains nothing.
 */
export function clientAddress(req: Request): string {
  const address = req.ip ?? req.socket.remoteAddress ?? "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(":")}::/64`;
}
