/**
 * Drives the active deployments: each step is computed from the stored state and saved over the
 * revision it read, so that a restart resumes a deployment where it stood and two writers (the
 * driver and a hook reporting through another node's API) never overwrite each other. In a
 * cluster only the leader drives; every node may record hook results and stop requests.
 */
import type { DeploymentRecord, DeploymentStore } from "../ports/deployment-store.js";
import { FINAL_STATUSES } from "../ports/deployment-store.js";
import type { Clock } from "../shared/clock.js";
import { isPlatformError } from "../shared/errors.js";
import { aliasFailed, nextDue, step, type DriverEffects } from "./driver.js";

/** How often the driver looks at alarms and the store when nothing is due sooner (clock time). */
export const POLL_MS = 10_000;
/** Enough for every immediate step of one deployment (a step that waits returns undefined). */
const MAX_STEPS_PER_WAKE = 50;

/** How a deployment engine is built. */
export interface DeploymentEngineOptions {
  readonly store: DeploymentStore;
  readonly clock: Clock;
  readonly effects: DriverEffects;
  /** Invokes a hook function asynchronously with `payload`. */
  readonly invokeHook: (functionName: string, payload: Buffer) => Promise<void>;
  /** Whether this node drives deployments (the cluster's leader; a single node always). */
  readonly isLeader: () => boolean;
  readonly log: (message: string, error?: unknown) => void;
  /** Called with each deployment state the driver saves, and the state it replaced (none for a new record). */
  readonly onChange?: ((d: DeploymentRecord, previous: DeploymentRecord | undefined) => void) | undefined;
}

/** The loop that moves deployments on, on the injected clock. */
export class DeploymentEngine {
  readonly #o: DeploymentEngineOptions;
  #cancel: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(options: DeploymentEngineOptions) {
    this.#o = options;
  }

  /** Starts driving (at once: a restart resumes what stood). */
  start(): void {
    this.#stopped = false;
    this.#arm(0);
  }

  /** Looks at the deployments again now (a new one, a hook result, a stop, an alarm change). */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#arm(0);
  }

  /** Stops the loop; waits for a wake-up in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    await this.#running;
  }

  /**
   * Changes a deployment with `change` over its latest stored state, again if another writer got
   * there first; resolves to the saved state, or to the unchanged one when `change` returns undefined.
   */
  async update(
    id: string,
    change: (d: DeploymentRecord) => DeploymentRecord | undefined,
  ): Promise<DeploymentRecord | undefined> {
    for (;;) {
      const d = await this.#o.store.getDeployment(id);
      if (!d) return undefined;
      const next = change(d);
      if (!next) return d;
      const saved = { ...next, revision: d.revision + 1, updatedAt: this.#o.clock.now() };
      if (await this.#o.store.saveDeployment(saved)) {
        this.#o.onChange?.(saved, d);
        return saved;
      }
    }
  }

  #arm(ms: number): void {
    this.#cancel?.();
    this.#cancel = this.#o.clock.setTimer(() => {
      this.#cancel = undefined;
      this.#running = this.#wake().finally(() => {
        this.#running = undefined;
      });
    }, ms);
  }

  async #wake(): Promise<void> {
    let due = this.#o.clock.now() + POLL_MS;
    try {
      if (this.#o.isLeader()) {
        for (const d of await this.#o.store.listActiveDeployments()) {
          const at = await this.#drive(d.id).catch((e: unknown) => void this.#o.log(`deployment ${d.id}`, e));
          if (at !== undefined) due = Math.min(due, at);
        }
      }
    } catch (e) {
      this.#o.log("deployments could not be read", e);
    }
    if (this.#stopped) return;
    const again = this.#again;
    this.#again = false;
    this.#arm(again ? 0 : Math.max(0, due - this.#o.clock.now()));
  }

  /** Takes every step due now; resolves to when the next one is due. */
  async #drive(id: string): Promise<number | undefined> {
    for (let i = 0; i < MAX_STEPS_PER_WAKE && !this.#stopped; i++) {
      const d = await this.#o.store.getDeployment(id);
      if (!d || FINAL_STATUSES.includes(d.status)) return undefined;
      const s = await step(d, this.#o.clock.now(), this.#o.effects).catch((e: unknown) => {
        if (!isPlatformError(e)) throw e;
        return aliasFailed(d, this.#o.clock.now(), `The alias could not be updated: ${e.message}`);
      });
      if (!s) return nextDue(d);
      const saved = { ...s.next, revision: d.revision + 1, updatedAt: this.#o.clock.now() };
      if (!(await this.#o.store.saveDeployment(saved))) continue;
      this.#o.onChange?.(saved, d);
      if (s.rollback) await this.#record(s.rollback);
      if (s.invokeHook) await this.#invoke(saved, s.invokeHook);
    }
    return undefined;
  }

  /** Records a rollback deployment (once: its id is derived from the deployment it undid). */
  async #record(rollback: DeploymentRecord): Promise<void> {
    if (await this.#o.store.getDeployment(rollback.id)) return;
    const result = await this.#o.store.createDeployment(rollback);
    if (result.kind === "ok") this.#o.onChange?.(rollback, undefined);
    else this.#o.log(`rollback deployment ${rollback.id} not recorded: ${result.active.id} is active on the alias`);
  }

  /** Invokes a hook as CodeDeploy does; a hook that cannot be invoked fails its event. */
  async #invoke(d: DeploymentRecord, hook: { functionName: string; executionId: string }): Promise<void> {
    const payload = Buffer.from(
      JSON.stringify({ DeploymentId: d.id, LifecycleEventHookExecutionId: hook.executionId }),
    );
    try {
      await this.#o.invokeHook(hook.functionName, payload);
    } catch (e) {
      const message = `The hook function ${hook.functionName} could not be invoked: ${(e as Error).message}`;
      await this.update(d.id, (cur) => {
        const ev = cur.lifecycleEvents.find((x) => x.hookExecutionId === hook.executionId);
        if (ev?.status !== "InProgress") return undefined;
        const lifecycleEvents = cur.lifecycleEvents.map((x) =>
          x === ev
            ? {
                ...x,
                status: "Failed" as const,
                endTime: this.#o.clock.now(),
                diagnostics: { errorCode: "HOOK_EXECUTION_FAILURE", message },
              }
            : x,
        );
        return { ...cur, lifecycleEvents };
      });
    }
  }
}
