import { randomUUID } from "node:crypto";
import type { ChangeSetRecord, StackRecord, StackStore } from "../../ports/stack-store.js";
import type { Clock } from "../../shared/clock.js";
import { PlatformError } from "../../shared/errors.js";
import { changesFor } from "./apply.js";
import type { ChangeSetInput } from "./change-sets.js";
import {
  NO_CHANGES,
  changeSetArn,
  missingCapability,
  newChangeSet,
  splitParameters,
  wireChange,
} from "./change-sets.js";
import type { StackServices } from "./handler.js";
import { recordedOnly } from "./handlers.js";
import { deleteStack, deployStack, recoverStack } from "./operations.js";
import type { OperationDeps } from "./operations.js";
import { stackEvent } from "./events.js";
import { parameterOverrides, processStackTemplate } from "./stack-template.js";

/** What the engine is built from. */
export interface StackEngineOptions {
  readonly store: StackStore;
  readonly services: StackServices;
  readonly clock: Clock;
  /** This node's id (a restarted node recovers the operations it was running). */
  readonly nodeId?: string | undefined;
  /** Where an operation that threw (a bug or a lost store) is reported. */
  readonly logError?: ((message: string, error: unknown) => void) | undefined;
}

const BUSY = /_IN_PROGRESS$/;

/**
 * Stacks: change sets computed from a template and the stack's recorded resources, executed in the
 * background (CloudFormation's API returns at once, the CLI waits with Describe*), stacks deleted.
 * `haneul deploy` and the CloudFormation API both drive this one engine.
 */
export class StackEngine {
  readonly store: StackStore;
  readonly #deps: OperationDeps;
  readonly #running = new Set<Promise<unknown>>();
  readonly #logError: (message: string, error: unknown) => void;

  constructor(o: StackEngineOptions) {
    this.store = o.store;
    this.#deps = { store: o.store, services: o.services, clock: o.clock, nodeId: o.nodeId ?? "local" };
    this.#logError = o.logError ?? ((m, e) => console.error(`haneul: ${m}:`, e));
  }

  /** The region and account of every ARN. */
  get scope(): { readonly region: string; readonly accountId: string } {
    return { region: this.#deps.services.region, accountId: this.#deps.services.accountId };
  }

  /** The stack not deleted by name, or any stack by ARN; CloudFormation's ValidationError otherwise. */
  async requireStack(nameOrId: string): Promise<StackRecord> {
    const stack = await this.store.getStack(nameOrId);
    if (!stack || (stack.status === "DELETE_COMPLETE" && stack.stackId !== nameOrId)) {
      throw new PlatformError("ERR_CFN_VALIDATION", `Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  /** CreateChangeSet: the change set is computed at once (CREATE_COMPLETE, or FAILED with the reason). */
  async createChangeSet(input: ChangeSetInput): Promise<ChangeSetRecord> {
    const type = input.changeSetType ?? "UPDATE";
    let stack = await this.store.getStack(input.stackName);
    if (type === "CREATE" && stack && stack.status !== "REVIEW_IN_PROGRESS") {
      throw new PlatformError(
        "ERR_CFN_ALREADY_EXISTS",
        `Stack [${input.stackName}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`,
      );
    }
    if (type === "UPDATE" && (!stack || stack.status === "REVIEW_IN_PROGRESS")) {
      throw new PlatformError("ERR_CFN_VALIDATION", `Stack [${input.stackName}] does not exist`);
    }
    if (stack && BUSY.test(stack.status) && stack.status !== "REVIEW_IN_PROGRESS") {
      throw new PlatformError(
        "ERR_CFN_VALIDATION",
        `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
      );
    }
    const templateBody = input.usePreviousTemplate ? stack?.templateBody : input.templateBody;
    if (templateBody === undefined) {
      throw new PlatformError("ERR_CFN_VALIDATION", "Either Template URL or Template Body must be specified.");
    }
    const params = splitParameters(input.parameters ?? [], stack?.parameters ?? []);
    const stackId = stack?.stackId ?? this.#stackArn(input.stackName);
    const { processed, parameters } = processStackTemplate({
      stackName: input.stackName,
      stackId,
      templateBody,
      overrides: params.overrides,
      previous: params.previous,
      ...this.scope,
      exports: await this.#exports(),
    });
    // As CloudFormation: refused at once, leaving no change set (a retry may reuse its name).
    const missing = missingCapability(processed, input.capabilities ?? []);
    if (missing) throw new PlatformError("ERR_CFN_INSUFFICIENT_CAPABILITIES", `Requires capabilities : [${missing}]`);
    stack ??= await this.#reviewStack(input, stackId, templateBody);
    const cs = newChangeSet(stack, input, {
      changeSetId: changeSetArn(stack, input.changeSetName, randomUUID()),
      changeSetType: type,
      templateBody,
      parameters,
      createdAt: this.#deps.clock.now(),
    });
    const live = new Map((await this.store.listResources(stack.stackId)).map((r) => [r.logicalId, r]));
    const changes = changesFor(live, stack.order, processed.prepared);
    const done: ChangeSetRecord =
      !changes.length && type === "UPDATE"
        ? { ...cs, status: "FAILED", statusReason: NO_CHANGES }
        : {
            ...cs,
            status: "CREATE_COMPLETE",
            executionStatus: "AVAILABLE",
            changes: changes.map(wireChange),
            warnings: this.#warnings(processed),
          };
    if (
      !(await this.store.putChangeSet({
        ...done,
        changedPaths: Object.fromEntries(changes.map((c) => [c.LogicalResourceId, c.changedPaths])),
      }))
    ) {
      throw new PlatformError("ERR_CFN_ALREADY_EXISTS", `ChangeSet ${input.changeSetName} already exists`);
    }
    return done;
  }

  #warnings(processed: ReturnType<typeof processStackTemplate>["processed"]): string[] {
    const recorded = recordedOnly([...processed.prepared.resources].map(([id, r]) => [id, r.type]));
    return [
      ...processed.warnings,
      ...recorded.map((r) => `${r.logicalId} (${r.type}) is recorded but not created: ${r.note}`),
    ];
  }

  async #reviewStack(input: ChangeSetInput, stackId: string, templateBody: string): Promise<StackRecord> {
    const stack: StackRecord = {
      stackId,
      stackName: input.stackName,
      status: "REVIEW_IN_PROGRESS",
      statusReason: "User Initiated",
      templateBody,
      parameters: [],
      outputs: [],
      order: [],
      capabilities: [...(input.capabilities ?? [])],
      tags: [...(input.tags ?? [])],
      createdAt: this.#deps.clock.now(),
    };
    await this.store.putStack(stack);
    await stackEvent({ ...this.#deps, ...stack, ids: this.#deps.services.ids }, "REVIEW_IN_PROGRESS", "User Initiated");
    return stack;
  }

  /** A change set by ARN, or by name with its stack. */
  async requireChangeSet(nameOrId: string, stackName?: string): Promise<ChangeSetRecord> {
    let cs = nameOrId.startsWith("arn:") ? await this.store.getChangeSet(nameOrId) : undefined;
    if (!cs && stackName !== undefined && !nameOrId.startsWith("arn:")) {
      const stack = await this.store.getStack(stackName);
      cs = stack
        ? (await this.store.listChangeSets(stack.stackId)).find((c) => c.changeSetName === nameOrId)
        : undefined;
    }
    if (!cs) throw new PlatformError("ERR_CFN_CHANGE_SET_NOT_FOUND", `ChangeSet [${nameOrId}] does not exist`);
    return cs;
  }

  /** ExecuteChangeSet: starts the deploy and returns its completion (the API does not wait for it). */
  async executeChangeSet(nameOrId: string, stackName?: string): Promise<{ readonly done: Promise<StackRecord> }> {
    const cs = await this.requireChangeSet(nameOrId, stackName);
    if (cs.executionStatus !== "AVAILABLE") {
      throw new PlatformError(
        "ERR_CFN_INVALID_CHANGE_SET_STATUS",
        `ChangeSet [${cs.changeSetId}] cannot be executed in its current execution status of [${cs.executionStatus}]`,
      );
    }
    const stack = await this.requireStack(cs.stackId);
    if (BUSY.test(stack.status) && stack.status !== "REVIEW_IN_PROGRESS") {
      throw new PlatformError(
        "ERR_CFN_VALIDATION",
        `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
      );
    }
    await this.store.putChangeSet({ ...cs, executionStatus: "EXECUTE_IN_PROGRESS" });
    const overrides = parameterOverrides(cs.parameters);
    const done = this.#run(async () => {
      const after = await deployStack(
        this.#deps,
        { ...stack, capabilities: cs.capabilities, tags: cs.tags },
        {
          templateBody: cs.templateBody,
          overrides,
          changeSetId: cs.changeSetId,
        },
      );
      const ok = after.status === "CREATE_COMPLETE" || after.status === "UPDATE_COMPLETE";
      for (const other of await this.store.listChangeSets(stack.stackId)) {
        if (other.changeSetId !== cs.changeSetId) await this.store.deleteChangeSet(other.changeSetId);
      }
      await this.store.putChangeSet({ ...cs, executionStatus: ok ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED" });
      return after;
    });
    return { done };
  }

  /** DeleteChangeSet. */
  async deleteChangeSet(nameOrId: string, stackName?: string): Promise<void> {
    const cs = await this.requireChangeSet(nameOrId, stackName);
    if (cs.executionStatus === "EXECUTE_IN_PROGRESS") {
      throw new PlatformError(
        "ERR_CFN_INVALID_CHANGE_SET_STATUS",
        `Cannot delete ChangeSet ${cs.changeSetId} while it is being executed`,
      );
    }
    await this.store.deleteChangeSet(cs.changeSetId);
    const stack = await this.store.getStack(cs.stackId);
    // A stack made only for its first change set goes when its last change set does, as on AWS.
    if (stack?.status === "REVIEW_IN_PROGRESS" && !(await this.store.listChangeSets(stack.stackId)).length) {
      await this.store.putStack({ ...stack, status: "DELETE_COMPLETE", deletedAt: this.#deps.clock.now() });
    }
  }

  /** DeleteStack: starts the deletion (nothing for a stack that does not exist, as on AWS). */
  async deleteStack(nameOrId: string): Promise<{ readonly done: Promise<StackRecord | undefined> }> {
    const stack = await this.store.getStack(nameOrId);
    if (!stack || stack.status === "DELETE_COMPLETE") return { done: Promise.resolve(stack) };
    if (stack.status === "DELETE_IN_PROGRESS") return { done: Promise.resolve(stack) };
    if (BUSY.test(stack.status) && stack.status !== "REVIEW_IN_PROGRESS") {
      throw new PlatformError(
        "ERR_CFN_VALIDATION",
        `Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`,
      );
    }
    return { done: this.#run(() => deleteStack(this.#deps, stack)) };
  }

  /** At start: finishes or rolls back the operations this node was running when it stopped. */
  async recover(): Promise<void> {
    for (const stack of await this.store.listStacks()) {
      if (!BUSY.test(stack.status) || stack.status === "REVIEW_IN_PROGRESS") continue;
      if ((stack.runningOn ?? "local") !== this.#deps.nodeId) continue;
      await this.#run(() => recoverStack(this.#deps, stack));
    }
  }

  /** Resolves once every operation started so far has finished (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    const p = work();
    this.#running.add(p);
    void p.then(
      () => this.#running.delete(p),
      (e: unknown) => {
        this.#running.delete(p);
        this.#logError("a stack operation failed", e);
      },
    );
    return p;
  }

  async #exports(): Promise<Map<string, string>> {
    return new Map((await this.store.listExports()).map((e) => [e.name, e.value]));
  }

  #stackArn(name: string): string {
    const { region, accountId } = this.scope;
    return `arn:aws:cloudformation:${region}:${accountId}:stack/${name}/${randomUUID()}`;
  }
}
