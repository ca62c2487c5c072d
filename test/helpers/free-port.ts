/**
 * A free TCP port for a server a test starts itself (nginx, PostgreSQL, an inspector, a listener
 * inside a sandbox). Taken below the kernel's ephemeral range, so that no client connection of a
 * test running beside it can take the port between this choice and the server's bind (a port that
 * `listen(0)` returns is in that range, and outgoing connections draw from it by the thousand).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const FLOOR = 10_000;

function ephemeralStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    return Number(low) > FLOOR + 1000 ? Number(low) : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** A port nothing listens on at `host` (127.0.0.1 by default; "0.0.0.0" for every address). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const top = ephemeralStart();
  for (let i = 0; i < 200; i++) {
    const port = FLOOR + Math.floor(Math.random() * (top - FLOOR));
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free port below ${top} on ${host}`);
}
