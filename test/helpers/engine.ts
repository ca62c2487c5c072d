import { join } from "node:path";
import { createEngine, type Engine, type EngineOptions } from "../../src/compose/engine.js";
import { StaticCatalog } from "../../src/control/static-catalog.js";
import type { FunctionSpec } from "../../src/domain/function-spec.js";
import { HANDLERS } from "./paths.js";
import { tempDir } from "./temp-dir.js";

let counter = 0;

/** A spec for a fixture directory under test/fixtures/handlers. */
export function fixtureSpec(dir: string, handler: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const functionName = overrides.functionName ?? `fn-${dir.replace(/[^a-zA-Z0-9-_]/g, "-")}-${++counter}`;
  return {
    functionName,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    version: "$LATEST",
    revision: "r1",
    runtime: "nodejs20.x",
    handler,
    codeDir: join(HANDLERS, dir),
    memoryMb: 128,
    timeoutSec: 3,
    environment: {},
    region: "us-east-1",
    ...overrides,
  };
}

export interface TestEngine extends Engine {
  readonly catalog: StaticCatalog;
  /** Invokes `functionName` with a JSON event and returns outcome, parsed payload and record. */
  call(
    functionName: string,
    event?: unknown,
    qualifier?: string,
  ): Promise<Awaited<ReturnType<Engine["invoker"]["invoke"]>> & { body: unknown }>;
}

/** An engine over a StaticCatalog with a private scratch directory; close() removes it. */
export async function testEngine(
  specs: FunctionSpec[],
  options: Partial<Omit<EngineOptions, "catalog">> = {},
): Promise<TestEngine> {
  const scratch = tempDir("test");
  const catalog = new StaticCatalog(specs);
  const engine = await createEngine({
    catalog,
    scratchDir: scratch.path,
    path: process.env["PATH"] ?? "/usr/bin:/bin",
    sparesPerHeap: 0,
    ...options,
  });
  return {
    ...engine,
    catalog,
    async call(functionName, event = {}, qualifier) {
      const result = await engine.invoker.invoke({ functionName, qualifier }, Buffer.from(JSON.stringify(event)));
      const o = result.outcome;
      const body: unknown = o.kind === "throttled" ? undefined : JSON.parse(o.payload.toString("utf8"));
      return { ...result, body };
    },
    async close() {
      await engine.close();
      await scratch.remove();
    },
  };
}
