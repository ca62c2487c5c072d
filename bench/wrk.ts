/** Runs wrk against a URL and parses its summary. Benchmarks only; wrk comes from Debian's `wrk` package. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, median } from "./stats.js";

export interface WrkResult {
  readonly rps: number;
  /** Requests completed in the run. */
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface WrkRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** True when wrk is installed. */
export function hasWrk(): boolean {
  return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

/** `wrk -c<connections> -d<seconds>s --latency` with an optional fixed request. */
export function runWrk(url: string, o: { connections: number; seconds: number; request?: WrkRequest }): WrkResult {
  const { args, dir } = wrkArgs(url, o);
  const out = spawnSync("wrk", args, { encoding: "utf8" }).stdout ?? "";
  rmSync(dir, { recursive: true, force: true });
  return parseWrk(out);
}

/** runWrk without blocking this process (for a node running in the same process). */
export function runWrkAsync(
  url: string,
  o: { connections: number; seconds: number; request?: WrkRequest },
): Promise<WrkResult> {
  const { args, dir } = wrkArgs(url, o);
  const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", () => {
      rmSync(dir, { recursive: true, force: true });
      resolve(parseWrk(out));
    });
  });
}

function wrkArgs(
  url: string,
  o: { connections: number; seconds: number; request?: WrkRequest },
): { args: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "haneul-wrk-"));
  const args = [`-t2`, `-c${o.connections}`, `-d${o.seconds}s`, "--latency"];
  if (o.request) {
    const lua = [
      `wrk.method = ${JSON.stringify(o.request.method ?? "GET")}`,
      `wrk.body = ${JSON.stringify(o.request.body ?? "")}`,
      ...Object.entries(o.request.headers ?? {}).map(
        ([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`,
      ),
    ].join("\n");
    writeFileSync(join(dir, "req.lua"), lua);
    args.push("-s", join(dir, "req.lua"));
  }
  return { args: [...args, url], dir };
}

function parseWrk(out: string): WrkResult {
  const pct = (p: string) => toMs(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(out)?.[1] ?? "");
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    p50Ms: pct("50"),
    p99Ms: pct("99"),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    errors: Number(/Socket errors:.*?(\d+)/.exec(out)?.[1] ?? 0),
  };
}

/**
 * A same-run A/B comparison: `rounds` rounds of `off` and `on`, alternating which runs first, one
 * markdown row per round (`labels`: the two targets' column names), then the median on/off ratio.
 */
export function alternateRounds(o: {
  readonly rounds: number;
  readonly labels: readonly [off: string, on: string];
  readonly target: number;
  readonly off: () => WrkResult;
  readonly on: () => WrkResult;
}): void {
  const [offLabel, onLabel] = o.labels;
  const ratios: number[] = [];
  console.log(`| round | ${offLabel} req/s | ${onLabel} req/s | ${onLabel} p50 | non-2xx (${onLabel}) | ratio |`);
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (let round = 1; round <= o.rounds; round++) {
    const offFirst = round % 2 === 1 ? o.off() : undefined;
    const on = o.on();
    const off = offFirst ?? o.off();
    ratios.push(on.rps / off.rps);
    console.log(
      `| ${round} | ${Math.round(off.rps)} | ${Math.round(on.rps)} | ${fmt(on.p50Ms)} ms | ${on.non2xx} | ${fmt(on.rps / off.rps, 3)} |`,
    );
  }
  console.log(`median ratio ${onLabel}/${offLabel} (target >= ${o.target}): ${fmt(median(ratios), 3)}`);
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (Linux; clock
 * ticks of 10 ms). On a shared machine a server's CPU per request holds steadier than its rate.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Runs an ES module `source` (`node -e`) with `args` as a server for a bench to load; resolves once
 * it prints its port as its first line.
 */
export function startChildServer(
  source: string,
  args: readonly string[],
): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", source, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    proc.stdout?.once("data", (d: Buffer) => resolve({ proc, port: Number(d.toString().trim()) }));
    proc.once("error", reject);
  });
}
