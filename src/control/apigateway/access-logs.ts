/**
 * Access log settings of a stage, checked as API Gateway checks them: the destination ARN's shape,
 * the format (single line, a request id, for HTTP APIs only the variables they support), then
 * that the log group exists (API Gateway does not create it). Firehose destinations are refused:
 * haneul has no Firehose, so no delivery stream exists.
 */
import { accessLogDestination, AccessLogSettingsError, checkAccessLogFormat } from "../../domain/access-log-format.js";
import type { StageRecord } from "../../ports/api-store.js";
import { type ApiGatewayContext, badRequest, notFound } from "./context.js";

type Settings = NonNullable<StageRecord["accessLogSettings"]>;

/** Throws AWS's error when `settings` cannot be honoured for a stage of `protocol`. */
export async function checkAccessLogSettings(
  ctx: ApiGatewayContext,
  protocol: "REST" | "HTTP",
  settings: Settings,
): Promise<void> {
  const { destinationArn, format } = settings;
  if (protocol === "HTTP" && (!destinationArn || !format)) {
    throw badRequest("Access Log value missing. Expected destinationArn and format.");
  }
  try {
    const destination = destinationArn === undefined ? undefined : accessLogDestination(destinationArn, ctx);
    if (format !== undefined) checkAccessLogFormat(protocol, format);
    if (destination === undefined) return;
    const name = destination.kind === "logs" ? destination.group : destination.name;
    if (destination.kind === "firehose" || !(await ctx.logGroupExists(destination.group))) {
      throw new AccessLogSettingsError(`Cannot enable logging. LogDestination: ${name} does not exist`, true);
    }
  } catch (e) {
    if (e instanceof AccessLogSettingsError) throw e.notFound ? notFound(e.message) : badRequest(e.message);
    throw e;
  }
}
