import type { ControlContext } from "./context.js";
import type { Json } from "./types.js";

/**
 * GetAccountSettings: the node's limits and what its functions use. Code usage counts the zip of
 * `$LATEST` and of every published version, as AWS counts it (a zip shared by versions counts once
 * per version).
 */
export function getAccountSettings(ctx: ControlContext): Json {
  const entries = ctx.catalog.entries();
  let codeBytes = 0;
  for (const e of entries) {
    codeBytes += e.latest.config.codeSize;
    for (const v of e.versions.values()) codeBytes += v.config.codeSize;
  }
  const limits = ctx.codeStore.limits;
  return {
    AccountLimit: {
      TotalCodeSize: limits.maxTotalBytes,
      CodeSizeUnzipped: limits.maxUnzippedBytes,
      CodeSizeZipped: limits.maxZippedBytes,
      ConcurrentExecutions: ctx.accountConcurrency,
      UnreservedConcurrentExecutions: ctx.accountConcurrency - ctx.catalog.reservedTotal(),
    },
    AccountUsage: { TotalCodeSize: codeBytes, FunctionCount: entries.length },
  };
}
