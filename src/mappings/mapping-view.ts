/** EventSourceMappingConfiguration as the Lambda API returns it. */
import type { MappingRecord, MappingState } from "../ports/mapping-store.js";
import type { EventSourceKind, Json } from "./types.js";

/** The ARN of a mapping (EventSourceMappingArn). */
export function mappingArn(scope: { region: string; accountId: string }, uuid: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:event-source-mapping:${uuid}`;
}

/** A mapping as AWS shows it, in AWS's member order; `state` overrides the stored one (Deleting). */
export function mappingView(
  m: MappingRecord,
  o: { kind: EventSourceKind; scope: { region: string; accountId: string }; state?: MappingState },
): Json {
  const { FilterCriteria, ScalingConfig, FunctionResponseTypes, ...rest } = o.kind.view(m.settings);
  return {
    UUID: m.uuid,
    ...rest,
    EventSourceArn: m.eventSourceArn,
    ...(FilterCriteria !== undefined && { FilterCriteria }),
    FunctionArn: m.functionArn,
    LastModified: m.lastModified / 1000,
    State: o.state ?? m.state,
    StateTransitionReason: m.stateTransitionReason,
    ...(FunctionResponseTypes !== undefined && { FunctionResponseTypes }),
    ...(ScalingConfig !== undefined && { ScalingConfig }),
    EventSourceMappingArn: mappingArn(o.scope, m.uuid),
  };
}

/** The state a mapping settles in once its node has applied a change. */
export function settledState(m: MappingRecord): MappingState | undefined {
  if (m.state === "Enabled" || m.state === "Disabled" || m.state === "Deleting") return undefined;
  return m.enabled ? "Enabled" : "Disabled";
}
