/**
 * AWS::Lambda::EventSourceMapping through the event source mapping service (SAM's `SQS` events
 * become one). Properties go to the service as the Lambda API takes them, so a deploy refuses
 * what CreateEventSourceMapping refuses; a property removed from the template goes back to
 * Lambda's default (the stream defaults for a stream), and another EventSourceArn or starting
 * position replaces the mapping (src/domain/template/replacement.ts).
 */
import { isPlatformError } from "../../shared/errors.js";
import { refuseUnsupported, str, type Properties, type ResourceHandler, type ResourceScope } from "./handler.js";

const KEYS = [
  "FunctionName",
  "EventSourceArn",
  "Enabled",
  "BatchSize",
  "MaximumBatchingWindowInSeconds",
  "FunctionResponseTypes",
  "FilterCriteria",
  "ScalingConfig",
  // Stream sources (Kinesis); those haneul does not provide are refused by the service with its error.
  "StartingPosition",
  "StartingPositionTimestamp",
  "ParallelizationFactor",
  "BisectBatchOnFunctionError",
  "MaximumRetryAttempts",
  "MaximumRecordAgeInSeconds",
  "DestinationConfig",
  "TumblingWindowInSeconds",
];

/** What a property absent from an update goes back to. */
const DEFAULTS: Properties = {
  Enabled: true,
  BatchSize: 10,
  MaximumBatchingWindowInSeconds: 0,
  FunctionResponseTypes: [],
  FilterCriteria: {},
  ScalingConfig: {},
};
const STREAM_DEFAULTS: Properties = {
  Enabled: true,
  BatchSize: 100,
  MaximumBatchingWindowInSeconds: 0,
  FunctionResponseTypes: [],
  FilterCriteria: {},
  MaximumRetryAttempts: -1,
  MaximumRecordAgeInSeconds: -1,
  BisectBatchOnFunctionError: false,
  TumblingWindowInSeconds: 0,
};
/** Properties the Lambda API cannot update: a change replaces the mapping (planned as CloudFormation does). */
const REPLACING = ["EventSourceArn", "StartingPosition", "StartingPositionTimestamp"];

function service(scope: ResourceScope) {
  const mappings = scope.services.mappings;
  if (!mappings) throw new Error("event source mappings are not available on this node");
  return mappings;
}

async function create(props: Properties, scope: ResourceScope) {
  refuseUnsupported(props, scope, KEYS);
  const m = await service(scope).create({ ...props });
  return {
    physicalId: String(m["UUID"]),
    attributes: { Id: m["UUID"], EventSourceMappingArn: m["EventSourceMappingArn"] },
  };
}

const eventSourceMapping: ResourceHandler = {
  create,
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, KEYS);
    const stream = str(props, "EventSourceArn")?.split(":")[2] === "kinesis";
    const rest: Properties = { ...(stream ? STREAM_DEFAULTS : DEFAULTS), ...props };
    for (const k of REPLACING) delete rest[k];
    const m = await service(scope).update(previous.physicalId ?? "", rest);
    return {
      physicalId: String(m["UUID"]),
      attributes: { Id: m["UUID"], EventSourceMappingArn: m["EventSourceMappingArn"] },
    };
  },
  async delete(record, scope) {
    if (!record.physicalId) return;
    try {
      await service(scope).delete(record.physicalId);
    } catch (e) {
      if (!(isPlatformError(e) && e.code === "ERR_RESOURCE_NOT_FOUND")) throw e;
    }
  },
};

export const MAPPING_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::Lambda::EventSourceMapping": eventSourceMapping,
};
