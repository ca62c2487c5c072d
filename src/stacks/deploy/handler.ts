import type { ApiService, LambdaControlPlane } from "../../control/index.js";
import type { TopicService } from "../../topics/index.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { isPlatformError } from "../../shared/errors.js";
import type { IdSource } from "../../shared/ids.js";

/**
 * How a stack deploy carries out one resource type: create it, update it in place, delete it,
 * through the platform's own services (never over HTTP to the node itself).
 */

/** The services resources are created through. */
export interface StackServices {
  readonly lambda: LambdaControlPlane;
  readonly apis: ApiService;
  /** SNS, and the node's API URL its HTTP confirmations name. */
  readonly topics?: { readonly service: TopicService; apiUrl(): string } | undefined;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
}

/** What a handler knows of the resource it works on. */
export interface ResourceScope {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly services: StackServices;
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
