/**
 * The Lambda Runtime API (2018-06-01) over HTTP, as the RIC uses it. One keep-alive connection:
 * the Agent unrefs its idle socket, so between requests it does not keep the event loop alive and
 * callbackWaitsForEmptyEventLoop works as on Lambda. Logs go to stdout, one line per entry.
 */
import http from "node:http";
import type { Channel, Invocation, StreamedAnswer } from "./channel.js";
import type { RapidError } from "./errors.js";

const BASE = "/2018-06-01/runtime";
const ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
const ERROR_BODY_HEADER = "Lambda-Runtime-Function-Error-Body";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class HttpChannel implements Channel {
  readonly #hostname: string;
  readonly #port: number;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  /** @param hostPort AWS_LAMBDA_RUNTIME_API, e.g. "127.0.0.1:9001" */
  constructor(hostPort: string) {
    const i = hostPort.lastIndexOf(":");
    this.#hostname = i < 0 ? hostPort : hostPort.slice(0, i);
    this.#port = i < 0 ? 80 : Number.parseInt(hostPort.slice(i + 1), 10);
  }

  async next(): Promise<Invocation> {
    const r = await this.#request("GET", `${BASE}/invocation/next`);
    if (r.status !== 200) throw new Error(`Failed to get next invocation, HTTP ${r.status}: ${r.body}`);
    const h = r.headers;
    const requestId = header(h, "lambda-runtime-aws-request-id");
    if (!requestId) throw new Error("invocation id is missing or invalid");
    const inv: Invocation = {
      requestId,
      deadlineMs: Number(header(h, "lambda-runtime-deadline-ms")),
      invokedFunctionArn: header(h, "lambda-runtime-invoked-function-arn") ?? "",
      body: r.body,
    };
    const traceId = header(h, "lambda-runtime-trace-id");
    const clientContext = header(h, "lambda-runtime-client-context");
    const cognitoIdentity = header(h, "lambda-runtime-cognito-identity");
    if (traceId) inv.traceId = traceId;
    if (clientContext) inv.clientContext = clientContext;
    if (cognitoIdentity) inv.cognitoIdentity = cognitoIdentity;
    return inv;
  }

  // The RIC ignores the outcome of its posts (a refused answer is the platform's business).
  respond(requestId: string, body: string, then: () => void): void {
    this.#post(`${BASE}/invocation/${encodeURIComponent(requestId)}/response`, body, {}).then(
      then,
      exitOnTransportError,
    );
  }

  /**
   * A streamed answer is one POST to /response with `Lambda-Runtime-Function-Response-Mode:
   * streaming` and a chunked body, opened at the first chunk (when the content type is known);
   * an error after the chunks goes in the trailers, its body as base64 JSON, as the RIC sends it.
   */
  stream(requestId: string): StreamedAnswer {
    let req: http.ClientRequest | undefined;
    let answered: Promise<unknown> | undefined;
    const open = (contentType: string): http.ClientRequest => {
      if (req) return req;
      const path = `${BASE}/invocation/${encodeURIComponent(requestId)}/response`;
      const headers = {
        "Content-Type": contentType,
        "Lambda-Runtime-Function-Response-Mode": "streaming",
        "Transfer-Encoding": "chunked",
        Trailer: `${ERROR_TYPE_HEADER}, ${ERROR_BODY_HEADER}`,
      };
      req = http.request({
        hostname: this.#hostname,
        port: this.#port,
        path,
        method: "POST",
        headers,
        agent: this.#agent,
      });
      answered = new Promise((resolve, reject) => {
        req?.on("response", (res) => {
          res.resume();
          res.on("end", resolve);
        });
        req?.on("error", reject);
      });
      return req;
    };
    return {
      write: (chunk, contentType, done) => {
        open(contentType).write(chunk, done);
      },
      end: (contentType, error, then) => {
        const r = open(contentType);
        if (error) {
          const body = Buffer.from(JSON.stringify(error)).toString("base64");
          r.addTrailers({ [ERROR_TYPE_HEADER]: error.errorType, [ERROR_BODY_HEADER]: body });
        }
        r.end();
        answered?.then(then, exitOnTransportError);
      },
    };
  }

  fail(requestId: string, error: RapidError, then: () => void): void {
    const path = `${BASE}/invocation/${encodeURIComponent(requestId)}/error`;
    this.#post(path, JSON.stringify(error), { [ERROR_TYPE_HEADER]: error.errorType }).then(then, exitOnTransportError);
  }

  initError(error: RapidError, then: () => void): void {
    this.#post(`${BASE}/init/error`, JSON.stringify(error), { [ERROR_TYPE_HEADER]: error.errorType }).then(
      then,
      exitOnTransportError,
    );
  }

  initDone(): void {
    // Implied by the first GET /invocation/next.
  }

  /** As the RIC: the error goes to the last invocation, or to /init/error before the first one. */
  fatal(error: RapidError, exitCode: number, requestId: string | undefined): void {
    const exit = (): never => process.exit(exitCode);
    if (requestId === undefined) this.initError(error, exit);
    else this.fail(requestId, error, exit);
  }

  /** The RIC's stdout format: embedded newlines become \r so one entry stays one line. */
  log(entry: string): void {
    process.stdout.write(entry.replace(/\n/g, "\r") + "\n");
  }

  #post(path: string, body: string, headers: Record<string, string>): Promise<Reply> {
    return this.#request("POST", path, body, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      ...headers,
    });
  }

  #request(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { hostname: this.#hostname, port: this.#port, path, method, headers, agent: this.#agent },
        (res) => {
          let data = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (data += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (body === undefined) req.end();
      else req.end(body, "utf8");
    });
  }
}

/** The Runtime API is unreachable: this environment is over. */
function exitOnTransportError(err: unknown): void {
  process.stderr.write(`haneul runtime: Runtime API request failed: ${String(err)}\n`);
  process.exit(1);
}
