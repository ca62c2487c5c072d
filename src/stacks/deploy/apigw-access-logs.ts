/**
 * AccessLogSetting (AWS::ApiGateway::Stage) and AccessLogSettings (AWS::ApiGatewayV2::Stage):
 * REST stages take them as UpdateStage patch operations after CreateStage (CreateStage has no such
 * member), HTTP stages as the CreateStage/UpdateStage member; a setting removed from the template
 * is removed from the stage.
 */
import type { Properties } from "./handler.js";

interface Setting {
  readonly DestinationArn?: unknown;
  readonly Format?: unknown;
}

function settingOf(v: unknown): Setting | undefined {
  return typeof v === "object" && v !== null ? v : undefined;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The patch operations that bring a REST stage's access logs from `before` to `props`. */
export function restAccessLogOps(
  props: Properties,
  before: Properties | undefined,
): { op: string; path: string; value: string | undefined }[] {
  const now = settingOf(props.AccessLogSetting);
  if (!now)
    return settingOf(before?.AccessLogSetting) ? [{ op: "remove", path: "/accessLogSettings", value: undefined }] : [];
  const ops = [];
  const arn = text(now.DestinationArn);
  const format = text(now.Format);
  if (arn !== undefined) ops.push({ op: "replace", path: "/accessLogSettings/destinationArn", value: arn });
  if (format !== undefined) ops.push({ op: "replace", path: "/accessLogSettings/format", value: format });
  return ops;
}

/** An HTTP stage's AccessLogSettings as the v2 operations take them. */
export function httpAccessLogSettings(props: Properties): { destinationArn?: string; format?: string } | undefined {
  const s = settingOf(props.AccessLogSettings);
  if (!s) return undefined;
  const destinationArn = text(s.DestinationArn);
  const format = text(s.Format);
  return { ...(destinationArn !== undefined && { destinationArn }), ...(format !== undefined && { format }) };
}
