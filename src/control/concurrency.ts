import { PlatformError } from "../shared/errors.js";
import { type ControlContext, functionNotFound, requireEntry, writeLocked } from "./context.js";
import { parseFunctionRef } from "./names.js";
import type { Json } from "./types.js";
import { Violations } from "./violations.js";

/** The function name of `rawName`; AWS's error when it names a version or alias. */
export function unqualified(ctx: ControlContext, rawName: string): string {
  const ref = parseFunctionRef(rawName, ctx);
  if (ref.qualifier !== undefined) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.",
    );
  }
  return ref.name;
}

async function setReserved(ctx: ControlContext, name: string, value: number | undefined): Promise<void> {
  const entry = ctx.catalog.entry(name);
  const maxTotal = ctx.accountConcurrency - ctx.minUnreservedConcurrency;
  const result = entry ? await ctx.store.setReservedConcurrency(name, value, maxTotal) : "not-found";
  // PutFunctionConcurrency names `$LATEST` in its not-found message (observed on AWS).
  if (result === "not-found" || !entry) throw functionNotFound(ctx, name, value === undefined ? undefined : "$LATEST");
  if (result === "limit") {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${ctx.minUnreservedConcurrency}].`,
    );
  }
  entry.latest = { ...entry.latest, reservedConcurrency: value };
  ctx.catalog.refresh(name);
}

/** PutFunctionConcurrency: 0 throttles every call; reservations keep the account's minimum unreserved. */
export async function putFunctionConcurrency(
  ctx: ControlContext,
  rawName: string,
  input: { ReservedConcurrentExecutions?: number | undefined },
): Promise<Json> {
  const name = unqualified(ctx, rawName);
  const value = input.ReservedConcurrentExecutions;
  const v = new Violations();
  v.required(value, "reservedConcurrentExecutions");
  v.range(value, "reservedConcurrentExecutions", 0, Number.MAX_SAFE_INTEGER);
  v.throwIfAny();
  await writeLocked(ctx, name, () => setReserved(ctx, name, value));
  return { ReservedConcurrentExecutions: value };
}

/** GetFunctionConcurrency: `{}` when nothing is reserved. */
export function getFunctionConcurrency(ctx: ControlContext, rawName: string): Json {
  const entry = requireEntry(ctx, unqualified(ctx, rawName));
  const value = entry.latest.reservedConcurrency;
  return value === undefined ? {} : { ReservedConcurrentExecutions: value };
}

/** DeleteFunctionConcurrency. */
export async function deleteFunctionConcurrency(ctx: ControlContext, rawName: string): Promise<void> {
  const name = unqualified(ctx, rawName);
  await writeLocked(ctx, name, () => setReserved(ctx, name, undefined));
}
