/** PutTargets' checks of one target, as AWS makes them, into a stored target. */
import {
  busOfArn,
  functionOfArn,
  invalid,
  isQueueArn,
  isTopicArn,
  parseJsonPath,
  streamOfArn,
} from "../../buses/index.js";
import type { RuleTargetRecord } from "../../ports/bus-store.js";
import { deadLetterConfigOf, retryPolicyOf, retryPolicyView } from "./target-retry.js";

const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
/** Target members haneul honours; any other (EcsParameters, HttpParameters…) is refused. */
const KNOWN = new Set([
  "Id",
  "Arn",
  "RoleArn",
  "Input",
  "InputPath",
  "InputTransformer",
  "SqsParameters",
  "KinesisParameters",
  "RetryPolicy",
  "DeadLetterConfig",
]);
const INPUTS = ["Input", "InputPath", "InputTransformer"];

/** Checks a wire target (the `index`th of the request); ValidationException for anything AWS (or haneul) refuses. */
export function targetOf(raw: unknown, index = 0): RuleTargetRecord {
  if (typeof raw !== "object" || raw === null) throw invalid("Target must be a structure.");
  const t = raw as Record<string, unknown>;
  const id = t["Id"];
  if (typeof id !== "string" || !TARGET_ID.test(id)) throw invalid(`Parameter Id is not valid: ${String(id)}`);
  const arn = t["Arn"];
  if (typeof arn !== "string") throw invalid(`Parameter Arn of target ${id} must not be null.`);
  const bus = busOfArn(arn);
  const stream = streamOfArn(arn);
  if (!functionOfArn(arn) && !isTopicArn(arn) && !isQueueArn(arn) && !bus && !stream) {
    throw invalid(
      `Parameter ${arn} is not valid. Reason: haneul's EventBridge delivers to Lambda functions, SNS topics, SQS queues, event buses and Kinesis streams only.`,
    );
  }
  for (const key of Object.keys(t)) {
    if (!KNOWN.has(key) && t[key] !== undefined && t[key] !== null)
      throw invalid(`Target parameter ${key} is not supported by haneul.`);
  }
  const given = INPUTS.filter((k) => t[k] !== undefined && t[k] !== null);
  if (given.length > 1) throw invalid("Only one of Input, InputPath, or InputTransformer must be provided.");
  const roleArn = typeof t["RoleArn"] === "string" && t["RoleArn"] !== "" ? t["RoleArn"] : undefined;
  // EventBridge writes to a stream only as a role it assumes (as on AWS).
  if (stream && roleArn === undefined) throw invalid(`RoleArn is required for target ${arn}.`);
  if (bus && given.length > 0) {
    throw invalid(
      `Parameter(s) ${given[0]} not valid for target: ${id}. Reason: haneul passes the event on to an event bus as it is.`,
    );
  }
  return {
    id,
    arn,
    roleArn,
    input: inputOf(t["Input"]),
    inputPath: inputPathOf(t["InputPath"], "InputPath"),
    inputTransformer: transformerOf(t["InputTransformer"]),
    sqsParameters: sqsParametersOf(id, arn, t["SqsParameters"]),
    kinesisParameters: kinesisParametersOf(id, stream !== undefined, t["KinesisParameters"]),
    retryPolicy: retryPolicyOf(index, t["RetryPolicy"]),
    deadLetterConfig: deadLetterConfigOf(id, t["DeadLetterConfig"]),
  };
}

/** KinesisParameters: a stream target's PartitionKeyPath, taken by no other target. */
function kinesisParametersOf(id: string, stream: boolean, v: unknown): RuleTargetRecord["kinesisParameters"] {
  if (v === undefined || v === null) return undefined;
  if (!stream) throw invalid(`Parameter(s) KinesisParameters not valid for target: ${id}.`);
  const path = (v as { PartitionKeyPath?: unknown }).PartitionKeyPath;
  if (typeof path !== "string") throw invalid(`Parameter PartitionKeyPath of target ${id} must not be null.`);
  if (path.length > 256) throw invalid(`PartitionKeyPath of target ${id} is longer than 256 characters.`);
  return { partitionKeyPath: inputPathOf(path, "PartitionKeyPath")! };
}

/** SqsParameters: required by a FIFO queue target (its MessageGroupId), taken by no other. */
function sqsParametersOf(id: string, arn: string, v: unknown): RuleTargetRecord["sqsParameters"] {
  const fifo = isQueueArn(arn) && arn.endsWith(".fifo");
  if (v === undefined || v === null) {
    if (fifo) throw invalid(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
    return undefined;
  }
  if (!fifo) throw invalid(`Parameter(s) SqsParameters not valid for target: ${id}.`);
  const group = (v as { MessageGroupId?: unknown }).MessageGroupId;
  if (typeof group !== "string" || group === "") {
    throw invalid(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
  }
  return { messageGroupId: group };
}

function inputOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid("Input must be a string.");
  try {
    JSON.parse(v);
  } catch {
    throw invalid("Input is not valid JSON text.");
  }
  return v;
}

function inputPathOf(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !parseJsonPath(v))
    throw invalid(`${field} is not a valid JSON path: ${JSON.stringify(v)}`);
  return v;
}

function transformerOf(v: unknown): RuleTargetRecord["inputTransformer"] {
  if (v === undefined || v === null) return undefined;
  const x = v as { InputPathsMap?: unknown; InputTemplate?: unknown };
  if (typeof x.InputTemplate !== "string") throw invalid("InputTransformer.InputTemplate must not be null.");
  const map: Record<string, string> = {};
  if (x.InputPathsMap !== undefined && x.InputPathsMap !== null) {
    const entries = Object.entries(x.InputPathsMap as Record<string, unknown>);
    if (entries.length > 100) throw invalid("InputPathsMap has more than 100 entries.");
    for (const [name, path] of entries) {
      if (name.startsWith("aws.")) throw invalid(`InputPathsMap key ${name} is reserved.`);
      map[name] = inputPathOf(path, `InputPathsMap value of ${name}`)!;
    }
  }
  return { inputPathsMap: map, inputTemplate: x.InputTemplate };
}

/** A stored target as ListTargetsByRule lists it. */
export function targetView(t: RuleTargetRecord): Record<string, unknown> {
  return {
    Id: t.id,
    Arn: t.arn,
    ...(t.roleArn !== undefined && { RoleArn: t.roleArn }),
    ...(t.sqsParameters && { SqsParameters: { MessageGroupId: t.sqsParameters.messageGroupId } }),
    ...(t.kinesisParameters && { KinesisParameters: { PartitionKeyPath: t.kinesisParameters.partitionKeyPath } }),
    ...(t.retryPolicy && { RetryPolicy: retryPolicyView(t.retryPolicy) }),
    ...(t.deadLetterConfig && { DeadLetterConfig: { Arn: t.deadLetterConfig.arn } }),
    ...(t.input !== undefined && { Input: t.input }),
    ...(t.inputPath !== undefined && { InputPath: t.inputPath }),
    ...(t.inputTransformer && {
      InputTransformer: {
        InputPathsMap: t.inputTransformer.inputPathsMap,
        InputTemplate: t.inputTransformer.inputTemplate,
      },
    }),
  };
}
