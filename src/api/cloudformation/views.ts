/** CloudFormation's answer shapes (botocore's cloudformation model) built from the stack store's records. */
import type {
  ChangeSetRecord,
  StackEventRecord,
  StackParameterRecord,
  StackRecord,
  StackResourceRecord,
} from "../../ports/stack-store.js";
import type { XmlValue } from "../query-wire.js";
import { timestamp } from "./wire.js";

/** Parameters as DescribeStacks shows them (NoEcho masked). */
export function parametersView(parameters: readonly StackParameterRecord[]): XmlValue {
  return parameters.map((p) => ({ ParameterKey: p.key, ParameterValue: p.noEcho ? "****" : p.value }));
}

/** A `Stack` of DescribeStacks. */
export function stackView(s: StackRecord): XmlValue {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ChangeSetId: s.changeSetId,
    Description: s.description,
    Parameters: parametersView(s.parameters),
    CreationTime: timestamp(s.createdAt),
    DeletionTime: timestamp(s.deletedAt),
    LastUpdatedTime: timestamp(s.updatedAt),
    RollbackConfiguration: {},
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DisableRollback: false,
    NotificationARNs: [],
    Capabilities: s.capabilities.length ? [...s.capabilities] : undefined,
    Outputs: s.outputs.length
      ? s.outputs.map((o) => ({
          OutputKey: o.key,
          OutputValue: o.value,
          Description: o.description,
          ExportName: o.exportName,
        }))
      : undefined,
    Tags: s.tags.map((t) => ({ Key: t.key, Value: t.value })),
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: "NOT_CHECKED" },
  };
}

/** A `StackSummary` of ListStacks. */
export function stackSummaryView(s: StackRecord): XmlValue {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    TemplateDescription: s.description,
    CreationTime: timestamp(s.createdAt),
    LastUpdatedTime: timestamp(s.updatedAt),
    DeletionTime: timestamp(s.deletedAt),
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DriftInformation: { StackDriftStatus: "NOT_CHECKED" },
  };
}

/** A `StackEvent`. */
export function eventView(e: StackEventRecord): XmlValue {
  return {
    StackId: e.stackId,
    EventId: e.eventId,
    StackName: e.stackName,
    LogicalResourceId: e.logicalId,
    PhysicalResourceId: e.physicalId,
    ResourceType: e.type,
    Timestamp: timestamp(e.timestamp),
    ResourceStatus: e.status,
    ResourceStatusReason: e.statusReason,
  };
}

/** A `StackResource` (DescribeStackResources), `StackResourceDetail` or `StackResourceSummary`. */
export function resourceView(
  s: StackRecord,
  r: StackResourceRecord,
  shape: "resource" | "detail" | "summary",
): XmlValue {
  const common = {
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId,
    ResourceType: r.type,
  };
  const stack = { StackName: s.stackName, StackId: s.stackId };
  if (shape === "summary") {
    return {
      ...common,
      LastUpdatedTimestamp: timestamp(r.updatedAt),
      ResourceStatus: r.status,
      ResourceStatusReason: r.statusReason,
      DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
    };
  }
  if (shape === "resource") {
    return {
      ...stack,
      ...common,
      Timestamp: timestamp(r.updatedAt),
      ResourceStatus: r.status,
      DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
    };
  }
  return {
    ...stack,
    ...common,
    LastUpdatedTimestamp: timestamp(r.updatedAt),
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    Metadata: "{}",
    DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
  };
}

function changeView(change: unknown): XmlValue {
  const c = change as { Type: string; ResourceChange: Record<string, unknown> };
  const r = c.ResourceChange;
  return {
    Type: c.Type,
    ResourceChange: {
      Action: r.Action as string,
      LogicalResourceId: r.LogicalResourceId as string,
      PhysicalResourceId: r.PhysicalResourceId as string | undefined,
      ResourceType: r.ResourceType as string,
      Replacement: r.Replacement as string | undefined,
      Scope: r.Scope as string[],
      Details: (r.Details as Record<string, unknown>[]).map((d) => ({
        Target: d.Target as Record<string, string>,
        Evaluation: d.Evaluation as string,
        ChangeSource: d.ChangeSource as string,
        CausingEntity: d.CausingEntity as string | undefined,
      })),
      PolicyAction: r.PolicyAction as string | undefined,
    },
  };
}

/** DescribeChangeSet's result. */
export function changeSetView(cs: ChangeSetRecord): XmlValue {
  return {
    ChangeSetName: cs.changeSetName,
    ChangeSetId: cs.changeSetId,
    StackId: cs.stackId,
    StackName: cs.stackName,
    Description: cs.description,
    Parameters: parametersView(cs.parameters),
    CreationTime: timestamp(cs.createdAt),
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: cs.capabilities.length ? [...cs.capabilities] : undefined,
    Tags: cs.tags.map((t) => ({ Key: t.key, Value: t.value })),
    Changes: cs.changes.map(changeView),
    IncludeNestedStacks: false,
  };
}

/** A `ChangeSetSummary` of ListChangeSets. */
export function changeSetSummaryView(cs: ChangeSetRecord): XmlValue {
  return {
    StackId: cs.stackId,
    StackName: cs.stackName,
    ChangeSetId: cs.changeSetId,
    ChangeSetName: cs.changeSetName,
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    CreationTime: timestamp(cs.createdAt),
    Description: cs.description,
    IncludeNestedStacks: false,
  };
}
