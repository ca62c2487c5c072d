import { resourceType } from "../../domain/template/resource-types.js";
import { APIGW_HANDLERS } from "./apigw-handlers.js";
import { CODEDEPLOY_HANDLERS } from "./codedeploy-handlers.js";
import { EVENTS_HANDLERS } from "./events-handlers.js";
import type { ResourceHandler } from "./handler.js";
import { IAM_HANDLERS } from "./iam-handlers.js";
import { KINESIS_HANDLERS } from "./kinesis-handlers.js";
import { LAMBDA_HANDLERS } from "./lambda-handlers.js";
import { LAYER_HANDLERS } from "./layer-handlers.js";
import { MAPPING_HANDLERS } from "./mapping-handlers.js";
import { RECORDED } from "./recorded-handlers.js";
import { SQS_HANDLERS } from "./sqs-handlers.js";
import { TELEMETRY_HANDLERS } from "./telemetry-handlers.js";
import { SNS_HANDLERS } from "./sns-handlers.js";
import { URL_HANDLERS } from "./url-handlers.js";
import { USAGE_PLAN_HANDLERS } from "./usage-plan-handlers.js";

const CREATED: Readonly<Record<string, ResourceHandler>> = {
  ...LAMBDA_HANDLERS,
  ...APIGW_HANDLERS,
  ...KINESIS_HANDLERS,
  ...SQS_HANDLERS,
  ...EVENTS_HANDLERS,
  ...TELEMETRY_HANDLERS,
  ...MAPPING_HANDLERS,
  ...SNS_HANDLERS,
  ...URL_HANDLERS,
  ...LAYER_HANDLERS,
  ...CODEDEPLOY_HANDLERS,
  ...IAM_HANDLERS,
  ...USAGE_PLAN_HANDLERS,
};

/** The handler of a type: created through its service, or recorded (accepted, pending, unknown). */
export function handlerFor(type: string): ResourceHandler {
  return CREATED[type] ?? RECORDED;
}

/** Whether a deploy creates resources of `type` (the others are recorded and listed in a warning). */
export function isCreated(type: string): boolean {
  return type in CREATED;
}

/** Resources of a template recorded without being created, with why, for the deploy's warnings. */
export function recordedOnly(
  resources: Iterable<[string, string]>,
): { logicalId: string; type: string; note: string }[] {
  const out: { logicalId: string; type: string; note: string }[] = [];
  for (const [logicalId, type] of resources) {
    if (isCreated(type)) continue;
    const info = resourceType(type);
    const note =
      info?.note ?? (info ? "haneul's stack deploy does not create this type yet" : "haneul does not handle this type");
    out.push({ logicalId, type, note });
  }
  return out.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}
