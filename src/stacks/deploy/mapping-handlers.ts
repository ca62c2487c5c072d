/**
 * AWS::Lambda::EventSourceMapping through the event source mapping service (SAM's `SQS` events
 * become one). Properties go to the service as the Lambda API takes them, so a deploy refuses
 * what CreateEventSourceMapping refuses; a property removed from the template goes back to
 * Lambda's default, and another EventSourceArn replaces the mapping.
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
  // Stream sources: passed on, so that the service answers with Lambda's error until it has them.
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
    if (str(props, "EventSourceArn") !== str(previous.properties, "EventSourceArn")) {
      const replaced = await create(props, scope);
      await this.delete(previous, scope);
      return replaced;
    }
    const rest: Properties = { ...DEFAULTS, ...props };
    delete rest["EventSourceArn"];
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
