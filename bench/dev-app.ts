/**
 * Shared by the `haneul dev` benchmarks: an application folder under the repository's `.haneul/`,
 * polling a route until it answers what is wanted, and the resident memory of a process tree
 * (the `haneul dev` process and its instances, read from /proc as root reads any uid's).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "bin", "haneul.js");

/** A fresh folder `.haneul/bench-<prefix>-XXXX` in the repository. */
export function benchFolder(prefix: string): string {
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  return mkdtempSync(join(ROOT, ".haneul", `bench-${prefix}-`));
}

/** The handler of function `i` of the generated app, answering `v<version>`. */
export function jsHandler(i: number, version: number): string {
  return `exports.handler = async () => ({ statusCode: 200, body: "f${i} v${version}" });\n`;
}

/** Writes a SAM template of `count` plain JS functions, each behind `GET /f<i>` of one HttpApi. */
export function writeFunctionsApp(dir: string, count: number): void {
  const resources: string[] = [];
  for (let i = 0; i < count; i++) {
    mkdirSync(join(dir, `f${i}`));
    writeFileSync(join(dir, `f${i}`, "index.js"), jsHandler(i, 0));
    resources.push(
      `  F${i}Function:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: f${i}/\n` +
        `      Handler: index.handler\n      Events:\n        Get:\n          Type: HttpApi\n` +
        `          Properties:\n            Path: /f${i}\n            Method: get\n`,
    );
  }
  const head =
    `AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n` +
    `Globals:\n  Function:\n    Runtime: nodejs20.x\n    Timeout: 5\nResources:\n`;
  writeFileSync(join(dir, "template.yaml"), head + resources.join(""));
}

/** Status and body of `GET path` under `root`; a refused connection is status 0. */
export async function get(root: string, path: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(new URL(path, root));
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: "" };
  }
}

/** Milliseconds from now until `GET path` answers `wanted` (polled every 2 ms, 60 s at most). */
export async function until(root: string, path: string, wanted: string): Promise<number> {
  const started = performance.now();
  while ((await get(root, path)).body !== wanted) {
    if (performance.now() - started > 60_000) throw new Error(`no ${wanted} at ${path}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - started;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between the listing and the read
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** RSS in MB of process `pid` itself and of all its descendants together. */
export function treeRss(pid: number): { selfMb: number; descendantsMb: number; count: number } {
  const pids = descendants(pid);
  const sum = pids.reduce((s, p) => s + rssKb(p), 0);
  return { selfMb: rssKb(pid) / 1024, descendantsMb: sum / 1024, count: pids.length };
}

/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export function load(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(", ");
}
