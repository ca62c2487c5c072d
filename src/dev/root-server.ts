import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gatewayPrefix, type DevApi } from "./routes.js";

/**
 * The root server of `haneul dev`, as `sam local start-api` serves: with a single API, its routes
 * at the root (`/hello` → that API's stage); any API by `/_api/<id>/<stage>/…` or by its
 * `<id>.execute-api.localhost` host, passed to the node's gateway unchanged.
 */
export class DevRootServer {
  readonly #server: Server;
  readonly #gateway: URL;
  #apis: readonly DevApi[] = [];

  constructor(gatewayUrl: string) {
    this.#gateway = new URL(gatewayUrl);
    this.#server = createServer((req, res) => this.#forward(req, res));
  }

  /** The APIs now deployed (after each deploy). */
  setApis(apis: readonly DevApi[]): void {
    this.#apis = apis;
  }

  /** Listens; resolves to the URL (`http://host:port/`). */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve(`http://${host}:${(this.#server.address() as AddressInfo).port}/`);
      });
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #target(req: IncomingMessage): string | undefined {
    const url = req.url ?? "/";
    if (url.startsWith("/_api/") || (req.headers.host ?? "").includes(".execute-api.")) return url;
    const [api] = this.#apis;
    if (this.#apis.length !== 1 || !api) return undefined;
    return `${gatewayPrefix(api)}${url}`;
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const path = this.#target(req);
    if (path === undefined) {
      const apis = this.#apis.map((a) => `${gatewayPrefix(a)}/`).join(", ");
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ message: this.#apis.length ? `Several APIs: address one of ${apis}` : "No API deployed" }),
      );
      return;
    }
    const upstream = request(
      { host: this.#gateway.hostname, port: this.#gateway.port, method: req.method, path, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (e) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `gateway unreachable: ${e.message}` }));
    });
    req.pipe(upstream);
  }
}
