import type { ResourceChange } from "../../domain/template/change-set.js";
import type { ProcessedTemplate } from "../../domain/template/pipeline.js";
import type { ChangeSetRecord, StackParameterRecord, StackRecord } from "../../ports/stack-store.js";
import { PlatformError } from "../../shared/errors.js";

/** Parameters as CloudFormation's API sends them. */
export interface ParameterEntry {
  readonly key: string;
  readonly value?: string | undefined;
  readonly usePreviousValue?: boolean | undefined;
}

/** CreateChangeSet's input. */
export interface ChangeSetInput {
  readonly stackName: string;
  readonly changeSetName: string;
  readonly changeSetType?: "CREATE" | "UPDATE" | undefined;
  readonly templateBody?: string | undefined;
  readonly usePreviousTemplate?: boolean | undefined;
  readonly parameters?: readonly ParameterEntry[] | undefined;
  readonly capabilities?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly { key: string; value: string }[] | undefined;
}

/** The overrides and kept previous values a request's parameters make. */
export function splitParameters(
  entries: readonly ParameterEntry[],
  previous: readonly StackParameterRecord[],
): { overrides: Record<string, string>; previous: Record<string, string> } {
  const overrides: Record<string, string> = {};
  const kept: Record<string, string> = {};
  for (const e of entries) {
    if (e.usePreviousValue) {
      const p = previous.find((x) => x.key === e.key);
      if (!p)
        throw new PlatformError(
          "ERR_CFN_VALIDATION",
          `Invalid input for parameter key ${e.key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      kept[e.key] = p.value;
    } else if (e.value !== undefined) overrides[e.key] = e.value;
  }
  return { overrides, previous: kept };
}

/** The capability the template's IAM resources require and the request lacks, if any. */
export function missingCapability(processed: ProcessedTemplate, given: readonly string[]): string | undefined {
  let need: string | undefined;
  for (const r of processed.prepared.resources.values()) {
    if (!r.type.startsWith("AWS::IAM::")) continue;
    const named = ["RoleName", "UserName", "GroupName", "ManagedPolicyName"].some((k) => r.properties[k] !== undefined);
    if (named) need = "CAPABILITY_NAMED_IAM";
    else need ??= "CAPABILITY_IAM";
  }
  if (!need) return undefined;
  if (given.includes("CAPABILITY_NAMED_IAM")) return undefined;
  if (need === "CAPABILITY_IAM" && given.includes("CAPABILITY_IAM")) return undefined;
  return need;
}

/** A change in DescribeChangeSet's shape (haneul's changed paths left out). */
export function wireChange(c: ResourceChange): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...c };
  delete rest.changedPaths;
  return { Type: "Resource", ResourceChange: rest };
}

/** The ARN of a new change set. */
export function changeSetArn(stack: StackRecord, name: string, uuid: string): string {
  const base = stack.stackId.split(":stack/")[0] ?? "";
  return `${base}:changeSet/${name}/${uuid}`;
}

/** A change set record before it is stored. */
export function newChangeSet(
  stack: StackRecord,
  input: ChangeSetInput,
  fields: Pick<ChangeSetRecord, "changeSetId" | "changeSetType" | "templateBody" | "parameters" | "createdAt">,
): ChangeSetRecord {
  return {
    ...fields,
    changeSetName: input.changeSetName,
    stackId: stack.stackId,
    stackName: stack.stackName,
    status: "CREATE_PENDING",
    executionStatus: "UNAVAILABLE",
    description: input.description,
    capabilities: [...(input.capabilities ?? [])],
    tags: [...(input.tags ?? [])],
    changes: [],
  };
}

/** The reason CloudFormation gives for a change set without changes. */
export const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";
