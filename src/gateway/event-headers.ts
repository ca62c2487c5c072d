import type { RequestInfo } from "./request-info.js";

// Headers API Gateway sets itself on the way to the function; a client's own copies are replaced
// (X-Forwarded-For is extended with the caller's address instead).
const OWN = new Set(["x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"]);
// Hop-by-hop headers describe the client's connection to the gateway, not the request.
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "upgrade", "te"]);

/** The request headers as [name, value] pairs in arrival order, with the gateway's own added. */
export function eventHeaderPairs(info: RequestInfo): [string, string][] {
  const raw = info.rawHeaders;
  const out: [string, string][] = [];
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP.has(lower)) continue;
    if (OWN.has(lower)) {
      if (lower === "x-forwarded-for") forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
      continue;
    }
    out.push([name, raw[i + 1] as string]);
  }
  out.push(["X-Amzn-Trace-Id", info.traceHeader]);
  out.push(["X-Forwarded-For", forwardedFor ? `${forwardedFor}, ${info.sourceIp}` : info.sourceIp]);
  out.push(["X-Forwarded-Port", String(info.port)]);
  out.push(["X-Forwarded-Proto", "http"]);
  return out;
}
