/** Names and ARNs of EventBridge resources, and the checks AWS applies to them. */
import { PlatformError } from "../shared/errors.js";

/** Where ARNs point: the node's region and account. */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** The ValidationException AWS gives for a parameter that breaks its constraint. */
export function invalid(message: string): PlatformError {
  return new PlatformError("ERR_EVENTS_VALIDATION", message);
}

/** The ARN of a bus. */
export function busArn(scope: ArnScope, name: string): string {
  return `arn:aws:events:${scope.region}:${scope.accountId}:event-bus/${name}`;
}

/** The ARN of a rule: `rule/name` on the default bus, `rule/bus/name` on others. */
export function ruleArn(scope: ArnScope, busName: string, name: string): string {
  const path = busName === "default" ? name : `${busName}/${name}`;
  return `arn:aws:events:${scope.region}:${scope.accountId}:rule/${path}`;
}

/** A bus named by name or ARN (EventBusName takes both), checked; default when absent. */
export function busNameOf(value: string | undefined, field = "EventBusName"): string {
  if (value === undefined || value === "") return "default";
  const name = value.startsWith("arn:") ? value.slice(value.indexOf(":event-bus/") + ":event-bus/".length) : value;
  if (!BUS_NAME.test(name) || (value.startsWith("arn:") && !value.includes(":event-bus/"))) {
    throw invalid(
      `1 validation error detected: Value '${value}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+`,
    );
  }
  return name;
}

/** A rule name, checked. */
export function ruleNameOf(value: unknown, field = "Name"): string {
  if (typeof value !== "string" || !RULE_NAME.test(value)) {
    throw invalid(
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
  return value;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A Lambda function named by a target ARN: `arn:aws:lambda:region:account:function:name[:qualifier]`. */
export interface FunctionTarget {
  readonly functionName: string;
  readonly qualifier: string | undefined;
}

/** The function a target ARN names, or undefined when it names anything else. */
export function functionOfArn(arn: string): FunctionTarget | undefined {
  const m =
    /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9\-_]{1,64})(?::(\$LATEST|[A-Za-z0-9\-_]{1,128}))?$/.exec(
      arn,
    );
  return m ? { functionName: m[1]!, qualifier: m[2] } : undefined;
}

/** A resource of an account and region named by an ARN (an event bus, a Kinesis stream). */
export interface ScopedName {
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
}

/** The event bus a target ARN names, or undefined when it names anything else. */
export function busOfArn(arn: string): ScopedName | undefined {
  const m = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([/.\-_A-Za-z0-9]{1,256})$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

/** The Kinesis stream a target ARN names, or undefined when it names anything else. */
export function streamOfArn(arn: string): ScopedName | undefined {
  const m = /^arn:aws[\w-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

/** Whether a scoped name is in this node's account and region. */
export function inScope(scope: ArnScope, named: ScopedName): boolean {
  return named.region === scope.region && named.accountId === scope.accountId;
}

/** Whether a target ARN names an SQS queue. */
export function isQueueArn(arn: string): boolean {
  return /^arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(arn);
}

/** Whether a target ARN names an SNS topic. */
export function isTopicArn(arn: string): boolean {
  return /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(arn);
}
