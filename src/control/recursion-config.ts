/**
 * PutFunctionRecursionConfig / GetFunctionRecursionConfig: whether Lambda stops a function caught
 * in a recursive loop (Terminate, the default) or lets it run (Allow). Stored with the function;
 * the async runner and the event source mappings read it from the catalog.
 */
import { RECURSIVE_LOOP_VALUES, type RecursiveLoop } from "../domain/recursion.js";
import { type ControlContext, functionNotFound, requireEntry, writeLocked } from "./context.js";
import { unqualified } from "./concurrency.js";
import type { Json } from "./types.js";
import { Violations } from "./violations.js";

/** PutFunctionRecursionConfig. */
export async function putFunctionRecursionConfig(
  ctx: ControlContext,
  rawName: string,
  input: { RecursiveLoop?: string | undefined },
): Promise<Json> {
  const name = unqualified(ctx, rawName);
  const value = input.RecursiveLoop;
  const v = new Violations();
  v.required(value, "recursiveLoop");
  v.oneOf(value, "recursiveLoop", RECURSIVE_LOOP_VALUES);
  v.throwIfAny();
  const loop = value as RecursiveLoop;
  await writeLocked(ctx, name, async () => {
    const entry = ctx.catalog.entry(name);
    if (!entry || !(await ctx.store.setRecursiveLoop(name, loop))) throw functionNotFound(ctx, name);
    entry.latest = { ...entry.latest, recursiveLoop: loop };
    ctx.catalog.refresh(name);
  });
  return { RecursiveLoop: loop };
}

/** GetFunctionRecursionConfig: Terminate unless the function was set to Allow. */
export function getFunctionRecursionConfig(ctx: ControlContext, rawName: string): Json {
  const entry = requireEntry(ctx, unqualified(ctx, rawName));
  return { RecursiveLoop: entry.latest.recursiveLoop ?? "Terminate" };
}
