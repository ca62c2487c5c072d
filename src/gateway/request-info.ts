import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

/** What the event builders and authorizers need to know about one request, computed once. */
export interface RequestInfo {
  readonly method: string;
  /** The path routes see: raw (%-encoded), without the stage or the `/_api/<id>` prefix. */
  readonly path: string;
  /** requestContext.path: with the stage for REST and named HTTP API stages. */
  readonly contextPath: string;
  /** Decoded segments of `path` (see splitPath). */
  readonly segments: readonly string[];
  /** The query string without `?`, as sent. */
  readonly rawQuery: string;
  /** Node's flat [name, value, …] list: original case, duplicates kept. */
  readonly rawHeaders: readonly string[];
  /** Node's lower-cased header object, for lookups. */
  readonly headers: IncomingHttpHeaders;
  body: Buffer;
  readonly sourceIp: string;
  /** The local port the client connected to (X-Forwarded-Port). */
  readonly port: number;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly timeEpoch: number;
  readonly requestId: string;
  readonly extendedRequestId: string;
  /** The trace root `1-xxxxxxxx-…` of this request. */
  readonly traceRoot: string;
  /** The trace header handed to functions and echoed in events. */
  readonly traceHeader: string;
}

/** The caller's address as API Gateway reports it (IPv4-mapped IPv6 unwrapped). */
export function sourceIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? "";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/** Host header without the port: `abc.execute-api.localhost:3000` → `abc.execute-api.localhost`. */
export function domainOf(host: string | undefined): string {
  if (!host) return "localhost";
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

/** True when the request carries a body to read (content-length > 0 or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  if (len !== undefined) return len !== "0";
  return req.headers["transfer-encoding"] !== undefined;
}

/**
 * Reads the whole body; resolves undefined as soon as it exceeds `limit` bytes, without
 * buffering more (the answer then closes the connection, so the rest is never read).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on("end", () =>
      resolve(over ? undefined : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

/** Decoded `[name, value]` pairs of a query string; `+` reads as a space, as API Gateway decodes it. */
export function parseQuery(rawQuery: string): [string, string][] {
  const out: [string, string][] = [];
  if (rawQuery === "") return out;
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? "" : part.slice(eq + 1);
    out.push([decode(k), decode(v)]);
  }
  return out;
}

function decode(raw: string): string {
  const s = raw.includes("+") ? raw.replace(/\+/g, " ") : raw;
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
