import {
  authorize,
  compilePolicy,
  parsePolicy,
  RequestContext,
  servicePrincipal,
  type CompiledPolicy,
} from "../iam/index.js";
import { functionArn } from "./arn.js";
import type { ControlContext } from "./context.js";
import { revisionOf } from "./permissions.js";

/** Policies kept per function revision; beyond this many, the cache starts over. */
const MAX_CACHED = 4096;

/**
 * Whether an AWS service may invoke a function, by the function's (or its alias's or version's)
 * resource-based policy — what AddPermission grants `apigateway.amazonaws.com`, say, with a
 * `SourceArn` condition. The policy is read once per revision of what it belongs to (every policy
 * change gives that a new RevisionId, on this node or, through reload, on another) and decisions
 * are kept per source, so a steady request costs two map lookups and no store read.
 */
export class ServicePermissions {
  readonly #ctx: ControlContext;
  readonly #policies = new Map<string, CompiledPolicy | null | Promise<CompiledPolicy | null>>();
  readonly #decisions = new Map<string, boolean>();

  constructor(ctx: ControlContext) {
    this.#ctx = ctx;
  }

  /** True when `service` may invoke `name` (`qualifier` "" for the function itself) on behalf of `sourceArn`. */
  permits(service: string, name: string, qualifier: string, sourceArn: string): boolean | Promise<boolean> {
    const entry = this.#ctx.catalog.entry(name);
    const revision = entry && revisionOf(entry, qualifier);
    if (revision === undefined) return false;
    const key = `${name}\0${qualifier}\0${revision}`;
    const decided = this.#decisions.get(`${key}\0${service}\0${sourceArn}`);
    if (decided !== undefined) return decided;
    const policy = this.#policies.get(key);
    if (policy instanceof Promise)
      return policy.then((p) => this.#decide(key, p, { service, name, qualifier, sourceArn }));
    if (policy !== undefined) return this.#decide(key, policy, { service, name, qualifier, sourceArn });
    const loading = this.#load(name, qualifier);
    this.#remember(this.#policies, key, loading);
    return loading.then((p) => {
      this.#policies.set(key, p);
      return this.#decide(key, p, { service, name, qualifier, sourceArn });
    });
  }

  async #load(name: string, qualifier: string): Promise<CompiledPolicy | null> {
    const statements = await this.#ctx.store.listPolicyStatements(name, qualifier);
    if (statements.length === 0) return null;
    const text = `{"Version":"2012-10-17","Statement":[${statements.map((s) => s.statement).join(",")}]}`;
    return compilePolicy(parsePolicy(text, "resource"));
  }

  #decide(
    key: string,
    policy: CompiledPolicy | null,
    r: { service: string; name: string; qualifier: string; sourceArn: string },
  ): boolean {
    let allowed = false;
    if (policy) {
      const context = new RequestContext({ "aws:SourceArn": r.sourceArn, "aws:SourceAccount": this.#ctx.accountId });
      const resource = functionArn(this.#ctx, r.name, r.qualifier === "" ? undefined : r.qualifier);
      const request = { action: "lambda:InvokeFunction", resource, principal: servicePrincipal(r.service), context };
      allowed = authorize(request, [], policy).allowed;
    }
    this.#remember(this.#decisions, `${key}\0${r.service}\0${r.sourceArn}`, allowed);
    return allowed;
  }

  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= MAX_CACHED) map.clear();
    map.set(key, value);
  }
}
