/**
 * Cold start of a function with a 5 MB layer against the same code without a layer, in the same
 * run on one node (startLambdaNode: sandbox as the machine allows, no spare processes, so every
 * cold start spawns its instance): A) the module and the 5 MB file inside the function's own zip,
 * B) the function's zip holds only the handler and the module plus the 5 MB file come from a layer
 * (merged at /opt), C) the handler alone. Each round changes every function's configuration (new
 * instances) and then times one Invoke of each, in rotating order.
 * Run: npm run build && node dist/bench/layers.bench.js
 */
import { randomBytes } from "node:crypto";
import {
  CreateFunctionCommand,
  InvokeCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { NODE_ROLE, startLambdaNode } from "../test/helpers/lambda-node.js";
import { fmt, median, percentile } from "./stats.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 20);
const enc = (s: string) => new TextEncoder().encode(s);
const MODULE = enc('module.exports = require("node:fs").statSync(__dirname + "/blob.bin").size;');
const BLOB = randomBytes(5 * 1024 * 1024);
const HANDLER = enc('const size = require("bigmod"); exports.handler = async () => size;');

const node = await startLambdaNode();
try {
  const { client } = node;
  const layer = await client.send(
    new PublishLayerVersionCommand({
      LayerName: "five-mb",
      Content: {
        ZipFile: zipSync({
          "nodejs/node_modules/bigmod/index.js": MODULE,
          "nodejs/node_modules/bigmod/blob.bin": BLOB,
        }),
      },
    }),
  );
  const variants = {
    "A: 5 MB in the function's zip": {
      zip: zipSync({
        "index.js": HANDLER,
        "node_modules/bigmod/index.js": MODULE,
        "node_modules/bigmod/blob.bin": BLOB,
      }),
      layers: [] as string[],
    },
    "B: 5 MB from a layer": { zip: zipSync({ "index.js": HANDLER }), layers: [layer.LayerVersionArn ?? ""] },
    "C: handler alone": { zip: zipSync({ "index.js": enc("exports.handler = async () => 0;") }), layers: [] },
  };
  const names = Object.keys(variants) as (keyof typeof variants)[];
  const fn = (i: number) => `cold-${i}`;
  for (const [i, name] of names.entries()) {
    const v = variants[name];
    await client.send(
      new CreateFunctionCommand({
        FunctionName: fn(i),
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: v.zip },
        Layers: v.layers,
      }),
    );
  }
  const times = names.map(() => [] as number[]);
  const init = names.map(() => [] as number[]);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const i of names.keys()) {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn(i), Description: `round ${round}` }));
      await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30 }, { FunctionName: fn(i) });
    }
    for (let k = 0; k < names.length; k++) {
      const i = (k + round) % names.length;
      const start = performance.now();
      const out = await client.send(new InvokeCommand({ FunctionName: fn(i) }));
      const ms = performance.now() - start;
      if (out.FunctionError) throw new Error(Buffer.from(out.Payload ?? []).toString());
      const record = node.records.at(-1);
      // Round 0 warms the node (first extraction, module caches): not counted.
      if (round === 0) continue;
      times[i]?.push(ms);
      if (record?.initDurationMs !== undefined) init[i]?.push(record.initDurationMs);
    }
  }
  const baseline = median(times[0] ?? []);
  console.log(`cold starts, ${ROUNDS} rounds`);
  console.log("variant                          | invoke p50 | invoke p90 | init p50 | vs A");
  for (const [i, name] of names.entries()) {
    const t = times[i] ?? [];
    console.log(
      `${name.padEnd(32)} | ${fmt(median(t)).padStart(7)} ms | ${fmt(percentile(t, 90)).padStart(7)} ms | ${fmt(median(init[i] ?? [])).padStart(5)} ms | ${fmt(median(t) / baseline)}`,
    );
  }
} finally {
  await node.close();
}
