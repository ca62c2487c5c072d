import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "./server-config.js";

/** Options of `haneul logs`, validated and frozen. */
export interface LogsCommandConfig {
  readonly functionName: string;
  readonly follow: boolean;
  /** Epoch ms of the first event shown. */
  readonly since: number;
  readonly filterPattern?: string | undefined;
  readonly qualifier?: string | undefined;
  /** One JSON object a line instead of the readable tail. */
  readonly json: boolean;
  /** Colour the output (stdout is a terminal and NO_COLOR is unset). */
  readonly colour: boolean;
  /** How often `--follow` asks the node for new events, ms. */
  readonly pollMs: number;
  readonly dataDir: string;
  readonly endpoint: string;
  readonly region: string;
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** Usage text of `haneul logs`. */
export const LOGS_USAGE = `usage: haneul logs <function> [--follow] [--since 10m|<ISO time>] [--filter <pattern>]
                   [--qualifier <version|alias>] [--json]

Shows a function's log from a running node, read through its CloudWatch Logs API: each request
from START to REPORT as one block, its errors highlighted (in colour on a terminal).

  --follow, -f            keep printing new events as they are written (Ctrl-C stops)
  --since <when>          from this long ago (30s, 10m, 2h, 1d) or this ISO time (default 10m)
  --filter <pattern>      only events matching a CloudWatch Logs filter pattern
  --qualifier <v>         only the instances of this version, or of the versions an alias points at
  --json                  one JSON object a line (timestamp, logStreamName, message, eventId)
  --data <dir>            the node's data directory, for its administrator key (HANEUL_DATA, default .haneul)
  --endpoint <url>        the node's API (default http://127.0.0.1:<HANEUL_API_PORT or 3001>)
  --region <name>         the node's region (AWS_REGION, default us-east-1)
`;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Epoch ms of `--since` (a duration back from `now`, or an ISO time); throws ConfigError. */
export function parseSince(value: string, now: number): number {
  const rel = /^(\d+)([smhdw])$/.exec(value);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw new ConfigError(`--since must be a duration (30s, 10m, 2h, 1d, 1w) or an ISO time`);
  return at;
}

/** Reads `haneul logs` options from `argv` (after `logs`), `env` and whether stdout is a terminal; throws ConfigError. */
export function loadLogsConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  context: { now: number; isTty: boolean; cwd?: string },
): LogsCommandConfig {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        follow: { type: "boolean", short: "f" },
        since: { type: "string" },
        filter: { type: "string" },
        qualifier: { type: "string" },
        json: { type: "boolean" },
        data: { type: "string" },
        endpoint: { type: "string" },
        region: { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const v = parsed.values;
  const [functionName, extra] = parsed.positionals;
  if (!functionName) throw new ConfigError("logs needs the function's name (or ARN)");
  if (extra !== undefined) throw new ConfigError(`unexpected argument '${extra}'`);
  const id = env["HANEUL_ACCESS_KEY_ID"] || undefined;
  const secret = env["HANEUL_SECRET_ACCESS_KEY"] || undefined;
  return Object.freeze({
    functionName,
    follow: v.follow === true,
    since: parseSince((v.since as string | undefined) ?? "10m", context.now),
    filterPattern: v.filter as string | undefined,
    qualifier: v.qualifier as string | undefined,
    json: v.json === true,
    colour: context.isTty && !env["NO_COLOR"],
    pollMs: 1_000,
    dataDir: resolve(context.cwd ?? process.cwd(), (v.data as string | undefined) ?? (env["HANEUL_DATA"] || ".haneul")),
    endpoint: (v.endpoint as string | undefined) ?? `http://127.0.0.1:${env["HANEUL_API_PORT"] || "3001"}`,
    region: (v.region as string | undefined) ?? (env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || "us-east-1"),
    adminKey: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
  });
}

/** `loadLogsConfig` over this process's environment and stdout. */
export function loadLogsConfigFromProcess(argv: readonly string[]): LogsCommandConfig {
  return loadLogsConfig(process.env, argv, { now: Date.now(), isTty: process.stdout.isTTY === true });
}
