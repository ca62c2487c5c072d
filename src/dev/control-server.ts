import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the control server does for `haneul dev trigger <LogicalId>`: a line to print, or an Error. */
export type TriggerHandler = (logicalId: string) => Promise<string>;

/**
 * The control endpoint of a running `haneul dev`, for the commands run beside it (`haneul dev
 * trigger`): loopback only, and each request carries the token written with its address into the
 * data directory's state file, which only the user can read — a web page the developer visits
 * cannot fire their schedules.
 */
export class DevControlServer {
  readonly token = randomBytes(24).toString("hex");
  readonly #server: Server;

  constructor(trigger: TriggerHandler) {
    this.#server = createServer((req, res) => {
      const auth = Buffer.from(req.headers.authorization ?? "");
      const want = Buffer.from(`Bearer ${this.token}`);
      const match = /^\/trigger\/([A-Za-z0-9]+)$/.exec(req.url ?? "");
      const reply = (status: number, message: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ message }));
      };
      if (auth.length !== want.length || !timingSafeEqual(auth, want)) return reply(403, "bad token");
      if (req.method !== "POST" || !match?.[1]) return reply(404, "POST /trigger/<LogicalId>");
      trigger(match[1]).then(
        (line) => reply(200, line),
        (e: unknown) => reply(400, (e as Error).message),
      );
    });
  }

  /** Listens on a free loopback port; resolves to its URL. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", () => {
        resolve(`http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`);
      });
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
