/**
 * CloudWatch Logs Insights against a real node running real functions, with the real clients:
 * SDK v3 (@aws-sdk/client-cloudwatch-logs), aws-sdk v2 and the AWS CLI v2 (`aws logs start-query`,
 * `get-query-results`). Percentiles and counts per minute of REPORT lines are checked against the
 * durations the REPORT lines carry; parse, filter, sort and limit on JSON and text lines.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchLogsClient,
  DescribeQueriesCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  MalformedQueryException,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import AWS from "aws-sdk";
import { zipSync } from "fflate";
import { lambdaCliTarget, type LambdaNode, NODE_REGION, NODE_ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { runAwsCli, type AwsCliResult } from "../helpers/aws-cli.js";

const GROUP = "/aws/lambda/insight";
const CALLS = 12;

const SOURCE = `
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, event.sleep));
  console.log("user=" + event.user + " action=" + event.action + " amount=" + event.n * 10);
  console.log(JSON.stringify({ level: event.n % 3 === 0 ? "ERROR" : "INFO", order: { id: "o" + event.n, total: event.n * 10 } }));
  return event.n;
};`;

let node: LambdaNode;
let logs: CloudWatchLogsClient;
let credentials: { accessKeyId: string; secretAccessKey: string };

type Rows = Record<string, string>[];
const rowsOf = (r: GetQueryResultsCommandOutput["results"]): Rows =>
  (r ?? []).map((row) => Object.fromEntries(row.map((c) => [c.field ?? "", c.value ?? ""])));

const window = (): { startTime: number; endTime: number } => ({
  startTime: Math.floor(Date.now() / 1000) - 3600,
  endTime: Math.floor(Date.now() / 1000) + 60,
});

async function query(queryString: string, limit?: number): Promise<{ rows: Rows; out: GetQueryResultsCommandOutput }> {
  const { queryId } = await logs.send(new StartQueryCommand({ logGroupName: GROUP, queryString, limit, ...window() }));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (out.status === "Complete") return { rows: rowsOf(out.results), out };
    assert.ok(out.status === "Running" || out.status === "Scheduled", `status ${out.status}`);
    assert.ok(Date.now() < deadline, "query did not complete");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function cli(args: string[]): Promise<AwsCliResult> {
  return runAwsCli({ ...lambdaCliTarget(node), ...credentials }, ["logs", ...args]);
}

/** The REPORT lines' durations and minutes, read back as FilterLogEvents shows them. */
async function reports(): Promise<{ duration: number; minute: number }[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const out = await logs
      .send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: "REPORT" }))
      .catch(() => undefined);
    const events = out?.events ?? [];
    if (events.length === CALLS) {
      return events.map((e) => ({
        duration: Number(/\tDuration: ([\d.]+) ms/.exec(e.message ?? "")?.[1]),
        minute: Math.floor((e.timestamp ?? 0) / 60_000) * 60_000,
      }));
    }
    assert.ok(Date.now() < deadline, `REPORT lines: ${events.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  node = await startLambdaNode();
  const c = await node.client.config.credentials();
  credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  logs = new CloudWatchLogsClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "insight",
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SOURCE) }) },
    }),
  );
  for (let n = 1; n <= CALLS; n++) {
    const payload = { n, sleep: (n * 7) % 40, user: n % 2 ? "ann" : "bob", action: n % 4 ? "pay" : "refund" };
    await node.client.send(
      new InvokeCommand({ FunctionName: "insight", Payload: Buffer.from(JSON.stringify(payload)) }),
    );
  }
});
after(async () => {
  logs?.destroy();
  await node?.close();
});

describe("Logs Insights", { concurrency: false }, () => {
  test("stats pct(@duration, 99), count(*) by bin(1m) on REPORT lines equals what the REPORT lines say", async () => {
    const reported = await reports();
    const { rows, out } = await query(
      "filter @type = 'REPORT' | stats pct(@duration, 99) as p99, count(*) as n by bin(1m)",
    );
    const minutes = [...new Set(reported.map((r) => r.minute))].sort((a, b) => a - b);
    assert.equal(rows.length, minutes.length);
    minutes.forEach((minute, i) => {
      const ds = reported
        .filter((r) => r.minute === minute)
        .map((r) => r.duration)
        .sort((a, b) => a - b);
      const p99 = ds[Math.ceil(0.99 * ds.length) - 1];
      assert.equal(rows[i]?.["bin(1m)"], new Date(minute).toISOString().replace("T", " ").replace("Z", ""));
      assert.equal(Number(rows[i]?.["n"]), ds.length);
      assert.equal(Number(rows[i]?.["p99"]), p99);
    });
    assert.equal(out.statistics?.recordsMatched, CALLS);
    // The store-side pre-filter returns only lines that can be REPORT lines (or JSON): those are scanned.
    assert.ok((out.statistics?.recordsScanned ?? 0) >= CALLS);
    assert.ok((out.statistics?.bytesScanned ?? 0) > 0);
    // Unaliased columns are named by their text, as AWS.
    const plain = await query("stats count(*), max(@maxMemoryUsed / 1000 / 1000) by @type | sort @type");
    assert.deepEqual(
      plain.rows.map((r) => [r["@type"], r["count(*)"]]).filter(([t]) => t),
      [
        ["END", String(CALLS)],
        ["REPORT", String(CALLS)],
        ["START", String(CALLS)],
      ],
    );
  });

  test("parse with a glob, filter, sort, limit on text lines", async () => {
    const { rows } = await query(
      'parse @message "user=* action=* amount=*" as user, action, amount | filter action = "pay" and user in ["ann"] | sort amount desc | limit 3 | fields user, amount',
    );
    // ann: odd n; pay: n % 4 != 0 → 11, 9, 7 (amounts 110, 90, 70), sorted numerically.
    assert.deepEqual(
      rows.map((r) => [r["user"], r["amount"]]),
      [
        ["ann", "110"],
        ["ann", "90"],
        ["ann", "70"],
      ],
    );
    assert.ok(rows.every((r) => r["@ptr"]));
  });

  test("JSON fields discovered as a.b, regex parse, like, and functions", async () => {
    const { rows } = await query(
      "filter level = 'ERROR' | fields order.id as id, order.total * 2 as twice, toupper(level) as lvl | sort twice asc",
    );
    assert.deepEqual(
      rows.map((r) => [r["id"], r["twice"], r["lvl"]]),
      [
        ["o3", "60", "ERROR"],
        ["o6", "120", "ERROR"],
        ["o9", "180", "ERROR"],
        ["o12", "240", "ERROR"],
      ],
    );
    const re = await query(
      "filter @message like /action=refund/ | parse @message /amount=(?<amt>\\d+)/ | stats sum(amt) as total",
    );
    assert.equal(re.rows[0]?.["total"], String(40 + 80 + 120));
    const limited = await query("fields @timestamp, @message", 5);
    assert.equal(limited.rows.length, 5);
  });

  test("a syntax error is MalformedQueryException with queryCompileError's location", async () => {
    const e = await logs
      .send(new StartQueryCommand({ logGroupName: GROUP, queryString: "fields @message | filter = 1", ...window() }))
      .catch((x: unknown) => x);
    assert.ok(e instanceof MalformedQueryException, String(e));
    assert.equal(e.message, "unexpected symbol found = at line 1 and position 26");
    assert.deepEqual(e.queryCompileError?.location, { startCharOffset: 25, endCharOffset: 26 });
    const missing = await logs
      .send(new StartQueryCommand({ logGroupName: "/aws/lambda/nope", queryString: "fields @message", ...window() }))
      .catch((x: unknown) => x as Error);
    assert.equal((missing as Error).name, "ResourceNotFoundException");
    const ppl = await logs
      .send(
        new StartQueryCommand({ logGroupName: GROUP, queryLanguage: "PPL", queryString: "source = x", ...window() }),
      )
      .catch((x: unknown) => x as Error);
    assert.equal((ppl as Error).name, "InvalidParameterException");
  });

  test("StopQuery on a finished query answers false; DescribeQueries lists queries newest first", async () => {
    const { out } = await query("fields @message | limit 1");
    assert.equal(out.status, "Complete");
    const listed = await logs.send(new DescribeQueriesCommand({ logGroupName: GROUP, status: "Complete" }));
    const latest = listed.queries?.[0];
    assert.equal(latest?.queryString, "fields @message | limit 1");
    assert.equal(latest?.logGroupName, GROUP);
    assert.ok((latest?.createTime ?? 0) > Date.now() - 60_000);
    assert.equal((await logs.send(new StopQueryCommand({ queryId: latest?.queryId }))).success, false);
    const unknown = await logs.send(new GetQueryResultsCommand({ queryId: "nope" })).catch((x: unknown) => x as Error);
    assert.equal((unknown as Error).name, "ResourceNotFoundException");
  });

  test("aws-sdk v2 and the AWS CLI v2 run the same query", async () => {
    const v2 = new AWS.CloudWatchLogs({ region: NODE_REGION, endpoint: node.url, credentials, maxRetries: 0 });
    const { queryId } = await v2
      .startQuery({ logGroupNames: [GROUP], queryString: "filter @type = 'REPORT' | stats count(*) as n", ...window() })
      .promise();
    let r = await v2.getQueryResults({ queryId: queryId ?? "" }).promise();
    while (r.status !== "Complete") r = await v2.getQueryResults({ queryId: queryId ?? "" }).promise();
    assert.deepEqual(r.results, [[{ field: "n", value: String(CALLS) }]]);

    const w = window();
    const started = await cli([
      "start-query",
      "--log-group-identifiers",
      `arn:aws:logs:${NODE_REGION}:000000000000:log-group:${GROUP}:*`,
      "--start-time",
      String(w.startTime),
      "--end-time",
      String(w.endTime),
      "--query-string",
      "filter @type = 'REPORT' | stats count(*) as n",
    ]);
    assert.equal(started.code, 0, started.stderr);
    const id = (JSON.parse(started.stdout) as { queryId: string }).queryId;
    let got: { status: string; results: unknown };
    do {
      const res = await cli(["get-query-results", "--query-id", id]);
      assert.equal(res.code, 0, res.stderr);
      got = JSON.parse(res.stdout) as typeof got;
    } while (got.status !== "Complete");
    assert.deepEqual(got.results, [[{ field: "n", value: String(CALLS) }]]);
    const bad = await cli([
      "start-query",
      "--log-group-name",
      GROUP,
      "--start-time",
      "0",
      "--end-time",
      "1",
      "--query-string",
      "stats nope(",
    ]);
    assert.equal(bad.code, 254);
    assert.match(bad.stderr, /MalformedQueryException/);
  });
});
