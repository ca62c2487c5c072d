import type { EventBusService } from "../../buses/index.js";
import type { GroupInput } from "../../deployments/index.js";
import type { ApiService, FunctionUrlService, LambdaControlPlane, UsagePlanService } from "../../control/index.js";
import type { RuleTargetRecord } from "../../ports/bus-store.js";
import type { TopicService } from "../../topics/index.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { isPlatformError } from "../../shared/errors.js";
import type { IdSource } from "../../shared/ids.js";
import type { StreamService } from "../../streams/index.js";
import type { IamService } from "../../iam/index.js";

/**
 * How a stack deploy carries out one resource type: create it, update it in place, delete it,
 * through the platform's own services (never over HTTP to the node itself).
 */

/** The event source mapping operations a deploy uses (inputs and outputs as the Lambda API's). */
export interface StackMappings {
  create(input: Record<string, unknown>): Promise<Record<string, unknown>>;
  update(uuid: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete(uuid: string): Promise<Record<string, unknown>>;
}

/** The services resources are created through. */
export interface StackServices {
  readonly lambda: LambdaControlPlane;
  readonly apis: ApiService;
  /** Kinesis (absent where a node serves none). */
  readonly streams?: StreamService | undefined;
  /** Event source mappings (the Lambda API's mapping operations), when the node has them. */
  readonly mappings?: StackMappings | undefined;
  /** SNS, and the node's API URL its HTTP confirmations name. */
  readonly topics?: { readonly service: TopicService; apiUrl(): string } | undefined;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** SQS, EventBridge (and Scheduler), CloudWatch alarms and Logs: absent on a node without them. */
  readonly queues?: StackQueues | undefined;
  readonly buses?: StackBuses | undefined;
  readonly alarms?: StackAlarms | undefined;
  readonly logs?: StackLogs | undefined;
  /** Function URLs (AWS::Lambda::Url), when the node serves them. */
  readonly urls?: FunctionUrlService | undefined;
  /** CodeDeploy: absent on a node without deployments. */
  readonly deployments?: StackDeployments | undefined;
  /** The node's IAM (AWS::IAM::Role and Policy are made in it); without it they are recorded only. */
  readonly iam?: IamService | undefined;
  /** API Gateway API keys and usage plans, when the node serves them. */
  readonly usagePlans?: UsagePlanService | undefined;
}

/** What a deployment an alias update becomes ended in. */
export interface AliasDeploymentResult {
  readonly id: string;
  readonly status: string;
  readonly message?: string | undefined;
}

/**
 * CodeDeploy's applications, groups and configs, and the deployment a stack update of an alias
 * with the CodeDeployLambdaAliasUpdate policy becomes.
 */
export interface StackDeployments {
  createApplication(name: string, tags: Record<string, string>): Promise<void>;
  deleteApplication(name: string): Promise<void>;
  createGroup(input: GroupInput): Promise<void>;
  /** Replaces the settings of the group `input` names. */
  updateGroup(input: GroupInput): Promise<void>;
  deleteGroup(applicationName: string, name: string): Promise<void>;
  /** CreateDeploymentConfig's checks for a Lambda traffic routing (its CloudFormation shape). */
  createConfig(name: string, routing: Record<string, unknown>): Promise<void>;
  deleteConfig(name: string): Promise<void>;
  /** Creates a deployment from a Lambda AppSpec and resolves when it ends, telling each step. */
  deploy(
    input: { readonly applicationName: string; readonly groupName: string; readonly appSpec: string },
    progress: (line: string) => Promise<void>,
  ): Promise<AliasDeploymentResult>;
  /** Stops (and rolls back) the alias's deployment in progress, if any (a stack rollback moves it directly). */
  stopActive(functionName: string, alias: string): Promise<void>;
  /** Ends every deploy() still waiting (the node stops): each rejects. */
  abandon(): void;
}

/** A service operation in its API's JSON shapes, run in process. */
export type ServiceCall = (operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** SQS's operations (CreateQueue, SetQueueAttributes, …) with queue URLs on the node's API URL. */
export interface StackQueues {
  readonly call: ServiceCall;
}

/** EventBridge's buses and rules, Scheduler's schedules, and PutTargets' checks of a target. */
export interface StackBuses {
  readonly service: EventBusService;
  readonly target: (raw: unknown) => RuleTargetRecord;
}

/** CloudWatch's PutMetricAlarm (with its checks) and DeleteAlarms. */
export interface StackAlarms {
  put(input: Record<string, unknown>): Promise<void>;
  delete(name: string): Promise<void>;
  /** Whether an alarm of this name exists. */
  exists(name: string): boolean;
}

/** CloudWatch Logs' group operations (CreateLogGroup, PutRetentionPolicy, …). */
export interface StackLogs {
  readonly call: ServiceCall;
}

/** What a handler knows of the resource it works on. */
export interface ResourceScope {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly services: StackServices;
  /** The resource's UpdatePolicy, resolved (an alias's CodeDeployLambdaAliasUpdate). */
  readonly updatePolicy?: unknown;
  /** The operation is a rollback: back to the previous state directly, as CloudFormation does. */
  readonly rollback?: boolean | undefined;
  /** Records an UPDATE_IN_PROGRESS event of the resource with `reason` (a long update's steps). */
  readonly progress?: ((reason: string) => Promise<void>) | undefined;
}

/** A created or updated resource: what `Ref` returns and the `Fn::GetAtt` values (plus what delete needs). */
export interface ResourceResult {
  readonly physicalId: string;
  readonly attributes: Record<string, unknown>;
}

/** Properties after both phases of resolution. */
export type Properties = Record<string, unknown>;

/** One resource type's handler. Without `update`, every change replaces the resource. */
export interface ResourceHandler {
  create(props: Properties, scope: ResourceScope): Promise<ResourceResult>;
  update?(props: Properties, previous: StackResourceRecord, scope: ResourceScope): Promise<ResourceResult>;
  delete(record: StackResourceRecord, scope: ResourceScope): Promise<void>;
}

/** A failure of a resource, in CloudFormation's words (the event's ResourceStatusReason). */
export class ResourceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResourceFailure";
  }
}

/**
 * CloudFormation's generated physical name: `<stack>-<logicalId>-<12 random>`, the stack and
 * logical parts shortened so the whole fits `max` characters.
 */
export function generatedName(scope: ResourceScope, max = 64): string {
  const suffix = scope.services.ids.hex(6).toUpperCase();
  const room = max - suffix.length - 2;
  const stack = scope.stackName.slice(0, Math.max(1, Math.floor(room / 2)));
  const logical = scope.logicalId.slice(0, room - stack.length);
  return `${stack}-${logical}-${suffix}`;
}

/** The service a handler needs, or a failure naming it when this node has none. */
export function needService<T>(service: T | undefined, scope: ResourceScope): T {
  if (service === undefined)
    throw new ResourceFailure(`${scope.type} cannot be created: this node has no such service`);
  return service;
}

/** `props[key]` as a string, or undefined. */
export function str(props: Properties, key: string): string | undefined {
  const v = props[key];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

/** Refuses properties haneul would otherwise accept and ignore. */
export function refuseUnsupported(props: Properties, scope: ResourceScope, supported: readonly string[]): void {
  const extra = Object.keys(props).filter((k) => !supported.includes(k));
  if (extra.length) {
    throw new ResourceFailure(
      `haneul does not support ${extra.map((k) => `'${k}'`).join(", ")} on ${scope.type} (resource ${scope.logicalId})`,
    );
  }
}

/** An error thrown by a service, as an event's reason (CloudFormation's "Resource handler returned message"). */
export function reasonOf(e: unknown): string {
  if (e instanceof ResourceFailure) return e.message;
  if (isPlatformError(e)) {
    return `Resource handler returned message: "${e.message}" (Status Code: ${e.status}, Error Code: ${e.awsType})`;
  }
  return e instanceof Error ? e.message : String(e);
}
