/**
 * CloudWatch Logs Insights: StartQuery, GetQueryResults, StopQuery, DescribeQueries. A query is
 * parsed at once (MalformedQueryException with its location), then runs off the request through
 * the telemetry engine while GetQueryResults polls it. Queries live in the node's memory: the
 * newest KEPT_QUERIES are kept, as AWS keeps a query's results for a while.
 */
import { randomUUID } from "node:crypto";
import { PlatformError } from "../../shared/errors.js";
import { insights } from "../../telemetry/index.js";
import type { LogsContext } from "./context.js";
import { GROUP_NAME, noGroup } from "./groups.js";
import { int, invalid, str, strList, type Input } from "./wire.js";

/** Queries that may be scheduled or running at once, as AWS's quota. */
export const MAX_CONCURRENT_QUERIES = 30;
const KEPT_QUERIES = 1000;

type Status = "Scheduled" | "Running" | "Complete" | "Failed" | "Cancelled" | "Timeout";

interface QueryState {
  readonly id: string;
  readonly queryString: string;
  readonly createTime: number;
  readonly groups: readonly string[];
  status: Status;
  readonly statistics: insights.QueryStatistics;
  results: insights.ResultRow[];
}

/** The queries of one node. */
export class InsightsQueries {
  private readonly queries = new Map<string, QueryState>();
  /** Every query still scanning, for tests and a clean shutdown. */
  readonly running = new Set<Promise<void>>();

  start(
    ctx: LogsContext,
    q: { query: insights.Query; queryString: string; groups: string[]; range: [number, number]; limit: number },
  ): string {
    let active = 0;
    for (const s of this.queries.values()) if (s.status === "Running" || s.status === "Scheduled") active++;
    if (active >= MAX_CONCURRENT_QUERIES) {
      throw new PlatformError(
        "ERR_LOGS_LIMIT_EXCEEDED",
        `Account maximum query concurrency limit of [${MAX_CONCURRENT_QUERIES}] reached.`,
      );
    }
    const state: QueryState = {
      id: randomUUID(),
      queryString: q.queryString,
      createTime: ctx.clock.now(),
      groups: q.groups,
      status: "Scheduled",
      statistics: { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
      results: [],
    };
    this.queries.set(state.id, state);
    this.forgetOld();
    const run = (async () => {
      // The request is answered first: the scan starts on a later turn of the event loop.
      await Promise.resolve();
      if (state.status !== "Scheduled") return;
      state.status = "Running";
      try {
        const rows = await insights.runQuery(q.query, {
          store: ctx.store,
          groups: q.groups,
          startTime: q.range[0],
          endTime: q.range[1],
          limit: q.limit,
          statistics: state.statistics,
          stopped: () => state.status === "Cancelled",
        });
        if (state.status === "Running") {
          state.results = rows;
          state.status = "Complete";
        }
      } catch {
        state.status = "Failed";
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return state.id;
  }

  private forgetOld(): void {
    for (const [id, s] of this.queries) {
      if (this.queries.size <= KEPT_QUERIES) break;
      if (s.status !== "Running" && s.status !== "Scheduled") this.queries.delete(id);
    }
  }

  get(id: string): QueryState {
    const s = this.queries.get(id);
    if (!s) throw new PlatformError("ERR_LOGS_NOT_FOUND", "Query does not exist.");
    return s;
  }

  list(): QueryState[] {
    return [...this.queries.values()].reverse();
  }
}

/** A group named by its name or its ARN (`arn:aws:logs:…:log-group:<name>[:*]`). */
function groupFromIdentifier(id: string): string {
  const m = /^arn:aws[^:]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(id);
  return m ? (m[1] as string) : id;
}

function groupsOf(input: Input): string[] {
  const one = str(input, "logGroupName", { pattern: GROUP_NAME });
  const names = strList(input, "logGroupNames");
  const ids = strList(input, "logGroupIdentifiers");
  const given = [one, names, ids].filter((x) => x !== undefined).length;
  if (given !== 1) {
    throw invalid("Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified.");
  }
  const groups = one !== undefined ? [one] : (names ?? (ids as string[]).map(groupFromIdentifier));
  if (groups.length < 1 || groups.length > 50) {
    throw invalid(
      `1 validation error detected: Value at '${names ? "logGroupNames" : "logGroupIdentifiers"}' failed to satisfy constraint: Member must have length between 1 and 50`,
    );
  }
  return [...new Set(groups)];
}

function seconds(input: Input, name: string): number {
  const v = input[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    if (v === undefined || v === null)
      throw invalid(
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
      );
    throw invalid(`${name} must be a non-negative integer number of seconds since the epoch`);
  }
  return v;
}

/** StartQuery. */
export async function startQuery(ctx: LogsContext, input: Input): Promise<object> {
  const queryString = str(input, "queryString", { required: true, max: 10_000 }) as string;
  const language = str(input, "queryLanguage");
  // Only Logs Insights QL is understood; OpenSearch PPL and SQL are refused rather than misread.
  if (language !== undefined && language !== "CWLI") throw invalid(`Query language ${language} is not supported.`);
  const startTime = seconds(input, "startTime");
  const endTime = seconds(input, "endTime");
  if (endTime < startTime) throw invalid("End time should not be before the start time");
  const limit = int(input, "limit", { min: 1, max: insights.MAX_LIMIT }) ?? insights.DEFAULT_LIMIT;
  const groups = groupsOf(input);
  let query: insights.Query;
  try {
    query = insights.parseQuery(queryString);
  } catch (e) {
    if (!(e instanceof insights.QuerySyntaxError)) throw e;
    throw new PlatformError("ERR_LOGS_MALFORMED_QUERY", e.message, {
      queryCompileError: { location: { startCharOffset: e.start, endCharOffset: e.end }, message: e.message },
    });
  }
  for (const g of groups) if (!(await ctx.store.getGroup(g))) throw noGroup();
  const queryId = ctx.queries.start(ctx, {
    query,
    queryString,
    groups,
    range: [startTime * 1000, endTime * 1000 + 999],
    limit,
  });
  return { queryId };
}

const statisticsOf = (s: insights.QueryStatistics): object => ({
  recordsMatched: s.recordsMatched,
  recordsScanned: s.recordsScanned,
  bytesScanned: s.bytesScanned,
});

/** GetQueryResults. */
export function getQueryResults(ctx: LogsContext, input: Input): Promise<object> {
  const q = ctx.queries.get(str(input, "queryId", { required: true, max: 256 }) as string);
  return Promise.resolve({ results: q.results, statistics: statisticsOf(q.statistics), status: q.status });
}

/** StopQuery: true when the query was still scheduled or running. */
export function stopQuery(ctx: LogsContext, input: Input): Promise<object> {
  const q = ctx.queries.get(str(input, "queryId", { required: true, max: 256 }) as string);
  const live = q.status === "Running" || q.status === "Scheduled";
  if (live) q.status = "Cancelled";
  return Promise.resolve({ success: live });
}

const STATUSES = new Set(["Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout", "Unknown"]);

/** DescribeQueries: newest first, by group and status. */
export function describeQueries(ctx: LogsContext, input: Input): Promise<object> {
  const group = str(input, "logGroupName", { pattern: GROUP_NAME });
  const status = str(input, "status");
  if (status !== undefined && !STATUSES.has(status)) {
    throw invalid(
      `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Scheduled, Running, Complete, Failed, Cancelled, Timeout, Unknown]`,
    );
  }
  const max = int(input, "maxResults", { min: 1, max: 1000 }) ?? 1000;
  const from = Number(str(input, "nextToken", { max: 64 }) ?? "0");
  if (!Number.isInteger(from) || from < 0) throw invalid("The specified nextToken is invalid.");
  const all = ctx.queries
    .list()
    .filter((q) => (!group || q.groups.includes(group)) && (!status || q.status === status));
  const page = all.slice(from, from + max);
  return Promise.resolve({
    queries: page.map((q) => ({
      queryId: q.id,
      queryString: q.queryString,
      status: q.status,
      createTime: q.createTime,
      logGroupName: q.groups[0],
    })),
    ...(from + max < all.length && { nextToken: String(from + max) }),
  });
}
