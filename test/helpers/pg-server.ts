/**
 * A throw-away PostgreSQL server for tests and benchmarks: `initdb` into a temporary directory and
 * `postgres` on a free port of 127.0.0.1 (and a Unix socket in the same directory), from Debian's
 * `postgresql` package. initdb and postgres refuse to run as root, so as root both run as the
 * `postgres` user (or `nobody`). The server is tuned for tests (no fsync: its data survives a crash of
 * the server, not of the machine) and requires a password
 * over TCP: the superuser `haneul` (password `haneul`) is what tests connect as.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { killOnExit } from "./children.js";
import { freePort } from "./free-port.js";

export const PG_USER = "haneul";
export const PG_PASSWORD = "haneul";

/** The newest installed PostgreSQL's bin directory (HANEUL_TEST_PG_BIN overrides). */
export function postgresBinDir(): string {
  const configured = process.env["HANEUL_TEST_PG_BIN"];
  if (configured) return configured;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error("PostgreSQL is not installed (apt-get install postgresql): no /usr/lib/postgresql/*/bin/postgres");
  }
  return join(base, versions[0] as string, "bin");
}

/** uid/gid to run the server as: none when not root, else the `postgres` user, else `nobody`. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const fields = passwd.find((l) => l.startsWith(`${name}:`))?.split(":");
    if (fields) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error("running as root, but there is neither a postgres nor a nobody user to run PostgreSQL as");
}

/** A running test server. */
export interface PgServer {
  readonly port: number;
  readonly dir: string;
  /** A URL for `database` as the `haneul` superuser over TCP. */
  url(database?: string): string;
  /** Stops the server: `fast` disconnects clients cleanly, `immediate` is a crash. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

/**
 * initdb + postgres. `HANEUL_TEST_PG_BIN` picks another installation. `durable` keeps PostgreSQL's
 * defaults (fsync, full page writes: every commit reaches the disk), for benchmarks of durability.
 */
export async function startPgServer(options: { readonly durable?: boolean } = {}): Promise<PgServer> {
  const bin = postgresBinDir();
  const who = serverIdentity();
  const dir = mkdtempSync(join(tmpdir(), "haneul-pg-"));
  const data = join(dir, "data");
  if (who) chownSync(dir, who.uid, who.gid);
  const init = spawnSync(
    join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "-N"],
    { encoding: "utf8", ...(who ?? {}), cwd: dir },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout || String(init.error)}`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = "";

  const launch = async (): Promise<void> => {
    log = "";
    const args = [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      ...(options.durable ? [] : ["-c", "fsync=off", "-c", "full_page_writes=off"]),
      "-c",
      "max_connections=400",
      "-c",
      "shared_buffers=64MB",
      "-c",
      "log_min_messages=warning",
    ];
    const c = spawn(join(bin, "postgres"), args, { ...(who ?? {}), cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    c.stdout?.on("data", (b: Buffer) => (log += b.toString()));
    c.stderr?.on("data", (b: Buffer) => (log += b.toString()));
    child = c;
    // A test process that ends without destroy() must not leave the server behind.
    killOnExit(c, "SIGQUIT");
    await waitReady(port, c, () => log);
    // The server never keeps a test process alive on its own: it is stopped when the process exits.
    c.unref();
    (c.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (c.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  };

  await launch();
  // The test role: a superuser (tests create databases) with a password, over the trusted socket.
  const admin = new pg.Client({ host: dir, port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query(`CREATE ROLE ${PG_USER} LOGIN SUPERUSER PASSWORD '${PG_PASSWORD}'`);
  await admin.end();

  const stop = async (mode: "fast" | "immediate" = "fast"): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.ref();
    c.kill(mode === "fast" ? "SIGINT" : "SIGQUIT");
    await exited;
  };
  const server: PgServer = {
    port,
    dir,
    url: (database = "postgres") => `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
    stop,
    start: launch,
    async destroy() {
      await stop("immediate");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

async function waitReady(port: number, c: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (c.exitCode !== null) throw new Error(`postgres exited (${c.exitCode}):\n${log()}`);
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: PG_USER,
      password: PG_PASSWORD,
      database: "postgres",
    });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => undefined);
      const code = (e as { code?: string }).code;
      // Before the role exists the server answers 28P01: it is up, which is all that is asked.
      if (code === "28P01" || code === "28000") return;
      if (Date.now() > deadline) throw new Error(`postgres did not start on port ${port}: ${String(e)}\n${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
