/**
 * Helpers of the function URL suites: handler zips and plain HTTP calls to a URL (node:http, so
 * that the Host header can name the URL as AWS's host-based form does).
 */
import { request } from "node:http";
import { zipSync } from "fflate";

/** A zip whose `index.handler` is `source` (CommonJS). */
export function zipOf(source: string): Uint8Array {
  return zipSync({ "index.js": new TextEncoder().encode(source) });
}

/** Answers with the event it got, in a structured payload 2.0 answer. */
export const ECHO = zipOf(`exports.handler = async (event) => ({
  statusCode: 201,
  headers: { "x-echo": "yes", "access-control-allow-origin": "https://function.example" },
  cookies: ["a=1; Path=/", "b=2"],
  body: JSON.stringify(event),
});`);

/** One HTTP answer. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * Sends one request to `url`; `host` overrides the Host header. A `*.localhost` name is reached
 * on 127.0.0.1 with the name in Host, as browsers and curl resolve it (this resolver may not).
 */
export function call(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<HttpAnswer> {
  const u = new URL(url);
  const local = u.hostname.endsWith(".localhost");
  const host = o.host ?? (local ? u.host : undefined);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: local ? "127.0.0.1" : u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: o.method ?? "GET",
        headers: { ...(host && { host }), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

/** The path form of a host-based function URL on the same port: `http://127.0.0.1:<port>/lambda-url/<id>/`. */
export function pathForm(functionUrl: string): string {
  const u = new URL(functionUrl);
  const id = u.hostname.split(".")[0] ?? "";
  return `http://127.0.0.1:${u.port}/lambda-url/${id}/`;
}
