import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StaticCatalog } from "../control/index.js";
import type { FunctionSpec } from "../domain/function-spec.js";
import type { InvokeResult } from "../domain/invocation.js";
import { randomIds } from "../shared/ids.js";
import { createEngine } from "./engine.js";

/** Runs `event` once on a fresh engine holding only `spec` (`haneul invoke`), then stops it. */
export async function invokeOnce(spec: FunctionSpec, event: Buffer, options: { path: string }): Promise<InvokeResult> {
  const scratchDir = join(tmpdir(), `haneul-invoke-${randomIds.hex(6)}`);
  const engine = await createEngine({
    catalog: new StaticCatalog([spec]),
    scratchDir,
    path: options.path,
    sparesPerHeap: 0,
  });
  try {
    return await engine.invoker.invoke({ functionName: spec.functionName }, event);
  } finally {
    await engine.close();
    await rm(scratchDir, { recursive: true, force: true });
  }
}
