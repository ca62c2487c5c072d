/**
 * The watch-and-reload loop of `haneul dev`. File events are gathered until the files settle
 * (editors write in several steps), then one reload runs at a time: a function's code changed →
 * its syntax checked, it is rebuilt (esbuild incrementally) and given the new code, so it gets new
 * instances while every other function keeps its warm ones; the template or a layer changed → the
 * stack is deployed again as a change set. Any error is shown with its file and line and the last
 * good state keeps serving.
 */
import { dirname, extname, isAbsolute, relative, resolve } from "node:path";
import type { DevConfig } from "../config/dev-config.js";
import { isObject } from "../domain/template/values.js";
import { ignoredFor, planReload, TreeWatcher, type ReloadPlan, type WatchedUnit } from "../dev/index.js";
import type { Clock } from "../shared/clock.js";
import type { DevBuildTools } from "../ports/build-tools.js";
import type { DevOutput } from "./dev-output.js";
import type { DevStack } from "./dev-stack.js";

const SCRIPT = new Set([".js", ".mjs", ".cjs"]);

/** A reload refused before anything was deployed (a syntax error). */
class EditError extends Error {}

export class DevLoop {
  readonly #o: { config: DevConfig; stack: DevStack; tools: DevBuildTools; out: DevOutput; clock: Clock };
  readonly #watcher: TreeWatcher;
  readonly #pending = new Set<string>();
  #firstAt = 0;
  #cancelTimer: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  /** Told after each deploy (the root server's APIs, the route table). */
  onDeployed: () => void = () => undefined;

  constructor(o: { config: DevConfig; stack: DevStack; tools: DevBuildTools; out: DevOutput; clock: Clock }) {
    this.#o = o;
    const root = dirname(o.config.templateFile);
    this.#watcher = new TreeWatcher({
      onChange: (file) => this.changed(file),
      onError: (e) => o.out.error(`cannot watch: ${e.message}`),
      skip: (dir) => ignoredFor(root, dir, this.#watched()) || dir === o.config.server.dataDir,
    });
  }

  /** Starts watching the template's directory and every code location outside it. */
  start(): void {
    this.#watcher.add(dirname(this.#o.config.templateFile));
    const envFile = this.#o.config.envVarsFile;
    if (envFile !== undefined) this.#watcher.add(dirname(envFile));
    this.#watchUnits();
  }

  /** Stops watching and waits for a running reload. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#watcher.close();
    await this.#running;
  }

  /** Records a changed file; the reload starts once files have been quiet for `settleMs`. */
  changed(file: string): void {
    if (this.#stopped) return;
    if (this.#pending.size === 0) this.#firstAt = this.#o.clock.monotonicNow();
    this.#pending.add(file);
    this.#cancelTimer?.();
    this.#cancelTimer = this.#o.clock.setTimer(() => this.#kick(), this.#o.config.settleMs);
  }

  #kick(): void {
    this.#cancelTimer = undefined;
    if (this.#running || this.#pending.size === 0) return;
    const batch = [...this.#pending];
    const firstAt = this.#firstAt;
    this.#pending.clear();
    this.#running = this.#reload(batch, firstAt).finally(() => {
      this.#running = undefined;
      if (this.#pending.size) this.#kick();
    });
  }

  #watchUnits(): void {
    const root = dirname(this.#o.config.templateFile);
    for (const u of this.#watched()) {
      const rel = relative(root, u.source);
      if (rel.startsWith("..") || isAbsolute(rel)) this.#watcher.add(u.source);
    }
  }

  #watched(): WatchedUnit[] {
    const root = dirname(this.#o.config.templateFile);
    return this.#o.stack.units.map((u) => ({
      logicalId: u.logicalId,
      kind: u.property === "CodeUri" || u.property === "Code" ? "function" : "layer",
      source: resolve(root, u.source),
    }));
  }

  async #reload(batch: readonly string[], firstAt: number): Promise<void> {
    const { templateFile, envVarsFile } = this.#o.config;
    const alsoDeploy = envVarsFile === undefined ? [] : [envVarsFile];
    const plan = planReload(batch, { templateFile, units: this.#watched(), alsoDeploy });
    if (!plan.deploy && plan.functions.length === 0) return;
    const { out } = this.#o;
    try {
      if (plan.deploy || this.#needsDeploy(plan)) await this.#deploy(firstAt);
      else await this.#reloadCode(plan, firstAt);
    } catch (e) {
      const what = plan.deploy ? "template" : plan.functions.join(", ");
      out.reloadFailed(what, e instanceof EditError ? e.message : out.describe(e));
    }
  }

  /** A function published through an alias, or not deployed yet, goes through a change set. */
  #needsDeploy(plan: ReloadPlan): boolean {
    const body = this.#o.stack.body;
    const globals = isObject(body.Globals) && isObject(body.Globals.Function) ? body.Globals.Function : {};
    const resources = isObject(body.Resources) ? body.Resources : {};
    return plan.functions.some((id) => {
      const r = resources[id];
      const props = isObject(r) && isObject(r.Properties) ? r.Properties : {};
      return (
        props.AutoPublishAlias !== undefined ||
        globals.AutoPublishAlias !== undefined ||
        this.#o.stack.physicalName(id) === undefined
      );
    });
  }

  async #reloadCode(plan: ReloadPlan, firstAt: number): Promise<void> {
    for (const file of plan.files) {
      if (!SCRIPT.has(extname(file))) continue;
      const error = await this.#o.tools.checker.check(file).catch(() => undefined);
      if (error !== undefined) throw new EditError(this.#o.out.shortPaths(error));
    }
    const built = await this.#o.stack.build(plan.functions);
    const functions = plan.functions.filter((id) => built.includes(id));
    await this.#o.stack.updateCode(functions);
    if (functions.length) this.#o.out.reloaded(functions, this.#o.clock.monotonicNow() - firstAt);
  }

  async #deploy(firstAt: number): Promise<void> {
    const outcome = await this.#o.stack.deploy();
    if (!outcome.ok) throw new EditError(outcome.reason);
    this.#watchUnits();
    this.#o.out.deployed(outcome.changes, this.#o.clock.monotonicNow() - firstAt);
    this.onDeployed();
  }
}
