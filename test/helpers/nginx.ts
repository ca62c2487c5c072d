/**
 * A real nginx (Debian's package) as the cluster's load balancer: started from a generated
 * configuration on free ports of 127.0.0.1, one upstream per name, round robin, with keep-alive
 * to the nodes and the Host header passed through (SigV4 signs it). As root its workers run as
 * `nobody`, so its scratch directories are world-writable.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killOnExit, removeOnExit } from "./children.js";
import { freePort } from "./free-port.js";

export const NGINX = "/usr/sbin/nginx";

/** A running nginx. */
export interface Nginx {
  /** The balancer's URL of each upstream, by name. */
  readonly urls: Readonly<Record<string, string>>;
  /** The error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

/** Starts nginx balancing each named upstream over `backends` (`host:port`). */
export async function startNginx(upstreams: Readonly<Record<string, readonly string[]>>): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-nginx-"));
  const cleanup = removeOnExit(dir);
  chmodSync(dir, 0o777);
  for (const sub of ["client", "proxy", "fastcgi", "uwsgi", "scgi"]) {
    mkdirSync(join(dir, sub), { mode: 0o777 });
    chmodSync(join(dir, sub), 0o777);
  }
  const ports: Record<string, number> = {};
  for (const name of Object.keys(upstreams)) ports[name] = await freePort();
  const blocks = Object.entries(upstreams).map(
    ([name, backends]) => `
  upstream ${name} {
${backends.map((b) => `    server ${b} max_fails=1 fail_timeout=2s;`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${ports[name]};
    location / {
      proxy_pass http://${name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
    }
  }`,
  );
  const conf = `daemon off;
worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 70m;
  client_body_temp_path ${join(dir, "client")};
  proxy_temp_path ${join(dir, "proxy")};
  fastcgi_temp_path ${join(dir, "fastcgi")};
  uwsgi_temp_path ${join(dir, "uwsgi")};
  scgi_temp_path ${join(dir, "scgi")};
${blocks.join("\n")}
}
`;
  const confPath = join(dir, "nginx.conf");
  writeFileSync(confPath, conf);
  const child: ChildProcess = spawn(NGINX, ["-p", dir, "-c", confPath, "-e", join(dir, "error.log")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child, "SIGTERM");
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const errors = () => {
    try {
      return readFileSync(join(dir, "error.log"), "utf8") + out;
    } catch {
      return out;
    }
  };
  const urls = Object.fromEntries(Object.entries(ports).map(([n, p]) => [n, `http://127.0.0.1:${p}`]));
  await waitListening(Object.values(ports), child, errors);
  return {
    urls,
    errors,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      cleanup.forget();
    },
  };
}

async function waitListening(ports: number[], child: ChildProcess, errors: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${errors()}`);
      const ok = await new Promise<boolean>((resolve) => {
        const socket = createConnection(port);
        socket.once("connect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${errors()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
