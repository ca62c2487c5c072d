/**
 * `haneul logs <function>`: a function's log read from a running node through its CloudWatch Logs
 * API (FilterLogEvents), signed with the administrator key, printed as a readable tail.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { credentialsFile, readCredentialsFile } from "../api/credentials.js";
import { LOGS_USAGE, loadLogsConfigFromProcess, type LogsCommandConfig } from "../config/logs-options.js";
import { ConfigError } from "../config/server-config.js";
import { TailPrinter, type TailEvent } from "./logs-format.js";

interface Clients {
  readonly logs: CloudWatchLogsClient;
  readonly lambda: LambdaClient;
}

/** Where the function's events are and how late one can be stored after its timestamp. */
interface Source {
  readonly group: string;
  /** The versions whose instances' streams are shown; undefined: every stream. */
  readonly versions: ReadonlySet<string> | undefined;
  /**
   * A request's events are stored when it ends: up to its timeout (plus the instance's init, up to
   * 10 s, and the writer's batching) after their timestamps. `--follow` reads this far back again.
   */
  readonly lagMs: number;
}

const out = (text: string) => void (text && process.stdout.write(text));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sourceOf(config: LogsCommandConfig, c: Clients): Promise<Source> {
  const fn = await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: config.functionName }));
  const group = fn.LoggingConfig?.LogGroup ?? `/aws/lambda/${fn.FunctionName ?? config.functionName}`;
  const lagMs = ((fn.Timeout ?? 3) + 15) * 1_000;
  const q = config.qualifier;
  if (q === undefined) return { group, versions: undefined, lagMs };
  if (q === "$LATEST" || /^\d+$/.test(q)) return { group, versions: new Set([q]), lagMs };
  const alias = await c.lambda.send(new GetAliasCommand({ FunctionName: config.functionName, Name: q }));
  const weighted = Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
  return { group, versions: new Set([alias.FunctionVersion ?? "", ...weighted]), lagMs };
}

/** Every event from `startTime` on, page by page; none while the group does not exist yet. */
async function* readFrom(c: Clients, source: Source, input: { startTime: number; filterPattern?: string | undefined }) {
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await c.logs.send(new FilterLogEventsCommand({ logGroupName: source.group, ...input, nextToken }));
    } catch (e) {
      if ((e as Error).name === "ResourceNotFoundException") return;
      throw e;
    }
    for (const e of page.events ?? []) {
      const stream = e.logStreamName ?? "";
      if (source.versions && !source.versions.has(/\[([^\]]+)\]/.exec(stream)?.[1] ?? "")) continue;
      yield { timestamp: e.timestamp ?? 0, logStreamName: stream, message: e.message ?? "", eventId: e.eventId ?? "" };
    }
    nextToken = page.nextToken;
  } while (nextToken);
}

function show(config: LogsCommandConfig, printer: TailPrinter, e: TailEvent): void {
  out(config.json ? `${JSON.stringify(e)}\n` : printer.add(e));
}

/**
 * Prints the events since `--since`; with `--follow`, polls again and again. Each poll reads from
 * `lagMs` before the newest event seen (a request's lines are stored when it ends, so a later poll
 * can find older timestamps) and skips the event ids already printed: no line twice, none skipped.
 */
async function tail(config: LogsCommandConfig, c: Clients, stopped: () => boolean): Promise<void> {
  const source = await sourceOf(config, c);
  const printer = new TailPrinter(config.colour);
  const seen = new Map<string, number>();
  let newest = config.since;
  for (;;) {
    const startTime = Math.max(config.since, newest - source.lagMs);
    for (const [id, at] of seen) if (at < startTime) seen.delete(id);
    for await (const e of readFrom(c, source, { startTime, filterPattern: config.filterPattern })) {
      if (seen.has(e.eventId)) continue;
      seen.set(e.eventId, e.timestamp);
      newest = Math.max(newest, e.timestamp);
      show(config, printer, e);
    }
    // Without a filter a block waits for its REPORT; a filter may leave the REPORT out.
    if (!config.follow || config.filterPattern !== undefined) out(printer.flush());
    if (!config.follow || stopped()) break;
    await sleep(config.pollMs);
    if (stopped()) break;
  }
  out(printer.flush());
}

/** Runs `haneul logs …` (`argv` after `logs`); resolves to the exit status. */
export async function runLogsCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) return (out(LOGS_USAGE), 0);
  let config: LogsCommandConfig;
  try {
    config = loadLogsConfigFromProcess(argv);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul: ${e.message}\n\n${LOGS_USAGE}`);
    return 2;
  }
  const key = config.adminKey ?? (await readCredentialsFile(credentialsFile(config.dataDir)).catch(() => undefined));
  if (key === undefined) {
    process.stderr.write(`haneul: no administrator key: ${credentialsFile(config.dataDir)} is missing\n`);
    return 2;
  }
  const common = { region: config.region, endpoint: config.endpoint, credentials: key, maxAttempts: 1 };
  const clients = { logs: new CloudWatchLogsClient(common), lambda: new LambdaClient(common) };
  let stop = false;
  const onSignal = () => void (stop = true);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await tail(config, clients, () => stop);
    return 0;
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`haneul logs: ${err.name}: ${err.message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    clients.logs.destroy();
    clients.lambda.destroy();
  }
}
