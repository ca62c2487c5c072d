/**
 * Authorization cost of an execution role's sqs:SendMessage: the work the API server does per
 * request for a function's session key (open the session, the role's compiled policies, decide),
 * for a role whose permission is one inline policy (0 customer managed policies attached) and for
 * one with 10 customer managed policies attached (the last allowing the send), measured in the
 * same run, interleaved. Also the first request after a policy change (compiling afresh).
 * Run: npm run build && node dist/bench/iam-policies.bench.js
 */
import { loadavg } from "node:os";
import { SqliteIamStore } from "../src/adapters/sqlite/iam-store.js";
import { authorize, IamService, principalKeys, RequestContext } from "../src/iam/index.js";
import { systemClock } from "../src/shared/clock.js";
import { fmt, median } from "./stats.js";

const ACCOUNT = "123456789012";
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`;
const ROUNDS = 15;
const PER_ROUND = 20_000;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const allow = (action: string, resource = "*") =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });

async function setUp(): Promise<IamService> {
  const iam = await IamService.open({
    store: SqliteIamStore.open({ path: ":memory:" }),
    clock: systemClock,
    accountId: ACCOUNT,
    nodeSecret: "bench-node-secret-0123456789abcdef",
    admin: { accessKeyId: "AKIABENCH00000000000", secretAccessKey: "bench" },
  });
  await iam.createRole({ roleName: "inline-role", trustPolicy: TRUST });
  await iam.putInlinePolicy("role", "inline-role", "send", allow("sqs:SendMessage", QUEUE));
  await iam.createRole({ roleName: "managed-role", trustPolicy: TRUST });
  for (let i = 0; i < 10; i++) {
    const doc = i === 9 ? allow("sqs:SendMessage", QUEUE) : allow(`sqs:Get${i}*`, `arn:aws:sqs:*:*:other-${i}`);
    const p = await iam.policies.create({ policyName: `p${i}`, document: doc });
    await iam.attachPolicy("role", "managed-role", iam.policies.arnOf(p));
  }
  return iam;
}

/** Nanoseconds per authorized request for a session of `roleName`. */
function measure(iam: IamService, roleName: string, n: number): number {
  const creds = iam.sessionCredentials(`arn:aws:iam::${ACCOUNT}:role/${roleName}`, "sender");
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const found = iam.lookup(creds.accessKeyId, creds.sessionToken);
    if (!found || found.caller.policies === "all") throw new Error("no session");
    const principal = found.caller.principal;
    const req = {
      action: "sqs:SendMessage",
      resource: QUEUE,
      principal,
      context: new RequestContext(principalKeys(principal)),
    };
    if (!authorize(req, found.caller.policies).allowed) throw new Error(`${roleName} was refused`);
  }
  return Number(process.hrtime.bigint() - start) / n;
}

async function main(): Promise<void> {
  const iam = await setUp();
  measure(iam, "inline-role", PER_ROUND); // warm up both
  measure(iam, "managed-role", PER_ROUND);
  const zero: number[] = [];
  const ten: number[] = [];
  const afterChange: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    zero.push(measure(iam, "inline-role", PER_ROUND));
    ten.push(measure(iam, "managed-role", PER_ROUND));
    // A new default version forgets every compiled policy: the next request compiles 10 documents.
    const arn = iam.policies.arnOf({ path: "/", policyName: "p0" });
    const p = iam.policies.get(arn);
    for (const v of p.versions)
      if (v.versionId !== p.defaultVersionId) await iam.policies.deleteVersion(arn, v.versionId);
    await iam.policies.createVersion(arn, allow(`sqs:Get${r}*`), true);
    afterChange.push(measure(iam, "managed-role", 1));
  }
  const m0 = median(zero);
  const m10 = median(ten);
  console.log(
    `iam-policies: load average ${loadavg()
      .map((l) => fmt(l, 2))
      .join(" ")}`,
  );
  console.log(`  0 customer policies (1 inline):  median ${fmt(m0 / 1000, 2)} µs per authorized SendMessage`);
  console.log(`  10 customer policies attached:   median ${fmt(m10 / 1000, 2)} µs (ratio ${fmt(m10 / m0, 2)}×)`);
  console.log(`  first request after a new default version: median ${fmt(median(afterChange) / 1000, 1)} µs`);
}

await main();
