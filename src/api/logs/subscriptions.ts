/** Subscription filters: PutSubscriptionFilter, DescribeSubscriptionFilters, DeleteSubscriptionFilter. */
import type { SubscriptionFilterRecord, SubscriptionFilterState } from "../../ports/log-store.js";
import { PlatformError } from "../../shared/errors.js";
import { FilterPatternError, parseFilterPattern } from "../../telemetry/index.js";
import type { LogsContext } from "./context.js";
import { GROUP_NAME, groupOf, noGroup } from "./groups.js";
import { bool, int, invalid, str, token, untoken, type Input } from "./wire.js";

/** Filters a group may have, as CloudWatch Logs allows. */
export const FILTERS_PER_GROUP = 2;
const FILTER_NAME = /^[^:*]*$/;
const DISTRIBUTIONS = ["Random", "ByLogStream"];

function filterView(f: SubscriptionFilterState): object {
  return {
    filterName: f.name,
    logGroupName: f.groupName,
    filterPattern: f.filterPattern,
    destinationArn: f.destinationArn,
    ...(f.roleArn !== undefined && { roleArn: f.roleArn }),
    distribution: f.distribution,
    applyOnTransformedLogs: false,
    creationTime: f.createdAt,
  };
}

/** The filter pattern: required, possibly empty (every event), in the syntax FilterLogEvents takes. */
function patternOf(input: Input): string {
  const p = input["filterPattern"];
  if (p === undefined || p === null)
    throw invalid(
      "1 validation error detected: Value null at 'filterPattern' failed to satisfy constraint: Member must not be null",
    );
  if (typeof p !== "string" || p.length > 1024)
    throw invalid(
      `1 validation error detected: Value '${JSON.stringify(p)}' at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024`,
    );
  try {
    parseFilterPattern(p);
  } catch (e) {
    if (e instanceof FilterPatternError) throw invalid("Invalid subscription filter pattern");
    throw e;
  }
  return p;
}

export async function putSubscriptionFilter(ctx: LogsContext, input: Input): Promise<object> {
  const groupName = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  const name = str(input, "filterName", { required: true, pattern: FILTER_NAME }) as string;
  const filterPattern = patternOf(input);
  const destinationArn = str(input, "destinationArn", { required: true, max: 2048 }) as string;
  const roleArn = str(input, "roleArn", { max: 2048 });
  const distribution = str(input, "distribution") ?? "ByLogStream";
  if (!DISTRIBUTIONS.includes(distribution))
    throw invalid(
      `1 validation error detected: Value '${distribution}' at 'distribution' failed to satisfy constraint: Member must satisfy enum value set: [Random, ByLogStream]`,
    );
  // Transformed logs and system fields are features haneul does not have: refused, not ignored.
  if (bool(input, "applyOnTransformedLogs") === true)
    throw invalid("applyOnTransformedLogs is not supported: this log group has no transformer.");
  if (Array.isArray(input["emitSystemFields"]) && input["emitSystemFields"].length > 0)
    throw invalid("emitSystemFields is not supported.");
  await groupOf(ctx, { logGroupName: groupName });
  if (!ctx.destinations) throw invalid(`Invalid destination: ${destinationArn}`);
  await ctx.destinations.check(destinationArn, groupName, roleArn);
  const filter: SubscriptionFilterRecord = {
    ...{ groupName, name, filterPattern, destinationArn, roleArn, distribution },
    createdAt: ctx.clock.now(),
  };
  const outcome = await ctx.store.putSubscriptionFilter(filter, FILTERS_PER_GROUP);
  if (outcome === "no-group") throw noGroup();
  if (outcome === "limit") throw new PlatformError("ERR_LOGS_LIMIT_EXCEEDED", "Resource limit exceeded.");
  return {};
}

export async function describeSubscriptionFilters(ctx: LogsContext, input: Input): Promise<object> {
  const group = await groupOf(ctx, input);
  const prefix = str(input, "filterNamePrefix", { pattern: FILTER_NAME });
  const limit = int(input, "limit", { min: 1, max: 50 }) ?? 50;
  const offset = untoken(str(input, "nextToken", { max: 4096 }), (v): v is number => typeof v === "number") ?? 0;
  const all = (await ctx.store.listSubscriptionFilters(group.name)).filter(
    (f) => prefix === undefined || f.name.startsWith(prefix),
  );
  return {
    subscriptionFilters: all.slice(offset, offset + limit).map(filterView),
    ...(offset + limit < all.length && { nextToken: token(offset + limit) }),
  };
}

export async function deleteSubscriptionFilter(ctx: LogsContext, input: Input): Promise<object> {
  const group = await groupOf(ctx, input);
  const name = str(input, "filterName", { required: true, pattern: FILTER_NAME }) as string;
  if (!(await ctx.store.deleteSubscriptionFilter(group.name, name)))
    throw new PlatformError("ERR_LOGS_NOT_FOUND", "The specified subscription filter does not exist.");
  return {};
}
