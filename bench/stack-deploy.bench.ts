/**
 * Stack deploys: a 20-function SAM template (each function with an alias, behind one HTTP API)
 * deployed from scratch, redeployed unchanged, and redeployed with one function's code changed,
 * through the stack engine (change set computed, then executed) on real SQLite stores, the real
 * Lambda control plane and API Gateway service. Baseline in the same run: the same 20 functions,
 * versions and aliases made directly through the control plane (what the deploy must at least do).
 */
import { rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { FsCodeStore } from "../src/adapters/fs-code-store.js";
import { SqliteApiStore } from "../src/adapters/sqlite/api-store.js";
import { SqliteStackStore } from "../src/adapters/sqlite/stack-store.js";
import { SqliteStore } from "../src/adapters/sqlite/sqlite-store.js";
import { ApiService, LambdaControlPlane } from "../src/control/index.js";
import { systemClock } from "../src/shared/clock.js";
import { randomIds } from "../src/shared/ids.js";
import { StackEngine } from "../src/stacks/index.js";
import { fmt, median } from "./stats.js";

const FUNCTIONS = 20;
const ROUNDS = 5;
const REGION = "us-east-1";
const ACCOUNT = "123456789012";

function template(changed = -1): string {
  const fns = Array.from({ length: FUNCTIONS }, (_, i) => {
    const body = i === changed ? `v2-${i}` : `v1-${i}`;
    return `  Fn${i}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      AutoPublishAlias: live
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: '${body}' });"
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /fn${i}
            Method: get`;
  });
  return `Transform: AWS::Serverless-2016-10-31\nResources:\n${fns.join("\n")}\n`;
}

async function node() {
  const dir = mkdtempSync(join(tmpdir(), "haneul-bench-stacks-"));
  const path = join(dir, "haneul.db");
  const store = SqliteStore.open({ path });
  const apiStore = SqliteApiStore.open({ path });
  const stackStore = SqliteStackStore.open({ path });
  const codeStore = new FsCodeStore({ dataDir: dir });
  const common = { clock: systemClock, ids: randomIds, region: REGION, accountId: ACCOUNT };
  const lambda = await LambdaControlPlane.open({ store, codeStore, ...common });
  const apis = new ApiService({ store: apiStore, ...common, publish: () => undefined });
  await apis.start();
  const engine = new StackEngine({ store: stackStore, services: { lambda, apis, ...common }, clock: systemClock });
  return {
    lambda,
    engine,
    async close() {
      await engine.settled();
      await stackStore.close();
      await apiStore.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
async function deploy(engine: StackEngine, body: string, type: "CREATE" | "UPDATE"): Promise<number> {
  const start = performance.now();
  const cs = await engine.createChangeSet({
    stackName: "bench",
    changeSetName: `cs${++n}`,
    changeSetType: type,
    templateBody: body,
    capabilities: ["CAPABILITY_IAM"],
  });
  if (cs.status === "CREATE_COMPLETE") {
    const stack = await (await engine.executeChangeSet(cs.changeSetId)).done;
    if (!stack.status.endsWith("_COMPLETE") || stack.status.includes("ROLLBACK")) throw new Error(stack.status);
  }
  return performance.now() - start;
}

async function baseline(): Promise<number> {
  const n2 = await node();
  const start = performance.now();
  for (let i = 0; i < FUNCTIONS; i++) {
    const zip = Buffer.from(zipSync({ "index.js": strToU8(`exports.handler = async () => 'v1-${i}';`) }));
    await n2.lambda.createFunction({
      FunctionName: `base-${i}`,
      Runtime: "nodejs20.x",
      Role: `arn:aws:iam::${ACCOUNT}:role/r`,
      Handler: "index.handler",
      Code: { ZipFile: zip },
    });
    const v = await n2.lambda.publishVersion(`base-${i}`, {});
    await n2.lambda.createAlias(`base-${i}`, { Name: "live", FunctionVersion: v.Version as string });
  }
  const ms = performance.now() - start;
  await n2.close();
  return ms;
}

const scratch: number[] = [];
const unchanged: number[] = [];
const oneChanged: number[] = [];
const base: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  base.push(await baseline());
  const n1 = await node();
  const engine = n1.engine;
  scratch.push(await deploy(engine, template(), "CREATE"));
  unchanged.push(await deploy(engine, template(), "UPDATE"));
  oneChanged.push(await deploy(engine, template(r % FUNCTIONS), "UPDATE"));
  await n1.close();
}
const line = (name: string, values: number[], target: number) =>
  console.log(
    `${name.padEnd(46)} median ${fmt(median(values), 1).padStart(8)} ms  (target < ${target} ms)  ratio to baseline ${fmt(median(values) / median(base), 2)}`,
  );
console.log(`${FUNCTIONS} functions, ${ROUNDS} rounds`);
console.log(
  `${"baseline: 20 × CreateFunction+PublishVersion+CreateAlias".padEnd(46)} median ${fmt(median(base), 1).padStart(8)} ms`,
);
line("deploy from scratch (change set + execute)", scratch, 2000);
line("redeploy unchanged (change set: no changes)", unchanged, 200);
line("redeploy, one function's code changed", oneChanged, 300);
