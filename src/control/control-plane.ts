import type { FunctionSpec } from "../domain/function-spec.js";
import type { ArtifactReader } from "./code-input.js";
import type { CodeStore } from "../ports/code-store.js";
import type { AliasRouting, FunctionCatalog } from "../ports/function-catalog.js";
import type { LayerStore } from "../ports/layer-store.js";
import type { NodeRuntimes } from "../ports/node-runtimes.js";
import type { Store } from "../ports/store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import * as account from "./account.js";
import * as aliases from "./aliases.js";
import { type FunctionEntry, MemoryCatalog, newEntry } from "./catalog.js";
import * as concurrency from "./concurrency.js";
import * as recursion from "./recursion-config.js";
import type { ControlContext } from "./context.js";
import * as eic from "./event-invoke-configs.js";
import * as reads from "./function-reads.js";
import * as fns from "./functions.js";
import * as permissions from "./permissions.js";
import * as tags from "./tags.js";
import { prepareLayers } from "./function-layers.js";
import { KeyedLock } from "./keyed-lock.js";
import { LayerService } from "./layer-service.js";
import { RuntimeReadiness } from "./runtime-readiness.js";
import { ServicePermissions } from "./service-permissions.js";
import type * as T from "./types.js";
import * as versions from "./versions.js";

export interface ControlPlaneOptions {
  readonly store: Store;
  readonly codeStore: CodeStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** Account-wide concurrent executions; AWS's default is 1000. */
  readonly accountConcurrency?: number | undefined;
  /** What reservations must leave unreserved; AWS keeps 100. */
  readonly minUnreservedConcurrency?: number | undefined;
  /** Node.js majors for the Node.js runtimes; without it every Node.js runtime runs on the node's own. */
  readonly runtimes?: NodeRuntimes | undefined;
  /** Told about functions whose code could not be extracted at load (they stay listed). */
  readonly onLoadError?: ((functionName: string, error: unknown) => void) | undefined;
  /** Told after every write to a function, so that the other nodes of a cluster re-read it. */
  readonly onChange?: ((functionName: string) => void) | undefined;
  /** Where `Code.S3Bucket`/`S3Key` are read from (haneul's S3). */
  readonly artifacts?: ArtifactReader | undefined;
  /** Published layer versions (the layer operations and functions' `Layers`). */
  readonly layerStore?: LayerStore | undefined;
}

/** An invocation target that exists (checked against the in-memory catalog). */
export interface InvocationTarget {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly functionArn: string;
}

/**
 * The Lambda control plane: every control operation with AWS's validation and messages, over the
 * store and the code store. It keeps all functions in memory and is the FunctionCatalog the
 * invoker reads, so invoking never touches the store.
 */
export class LambdaControlPlane implements FunctionCatalog {
  readonly #ctx: ControlContext;
  readonly #servicePermissions: ServicePermissions;
  readonly #onLoadError: ControlPlaneOptions["onLoadError"];
  /** The layer operations; undefined when the node keeps no layers. */
  readonly layers: LayerService | undefined;

  private constructor(o: ControlPlaneOptions) {
    const catalog = new MemoryCatalog({
      region: o.region,
      accountId: o.accountId,
      codeDir: (hex) => o.codeStore.treeDir(hex),
      optDir: (hexes) => o.codeStore.layersDir(hexes),
    });
    this.#ctx = {
      store: o.store,
      codeStore: o.codeStore,
      clock: o.clock,
      ids: o.ids,
      region: o.region,
      accountId: o.accountId,
      catalog,
      lock: new KeyedLock(),
      accountConcurrency: o.accountConcurrency ?? 1000,
      minUnreservedConcurrency: o.minUnreservedConcurrency ?? 100,
      readiness: new RuntimeReadiness(o.runtimes),
      changed: o.onChange ?? (() => undefined),
      artifacts: o.artifacts,
      layers: o.layerStore,
    };
    this.#onLoadError = o.onLoadError;
    this.#servicePermissions = new ServicePermissions(this.#ctx);
    const layerStore = o.layerStore;
    this.layers = layerStore && new LayerService({ ...this.#ctx, layers: layerStore });
  }

  /** Loads every function from the store (extracting missing code trees) and returns the control plane. */
  static async open(options: ControlPlaneOptions): Promise<LambdaControlPlane> {
    const cp = new LambdaControlPlane(options);
    for (const fn of await options.store.listFunctions()) await cp.reload(fn.name);
    return cp;
  }

  /**
   * Re-reads one function from the store (another node changed it, or at load), under the
   * function's lock so that it never interleaves with a write of this node.
   */
  reload(name: string): Promise<void> {
    return this.#ctx.lock.run(name, () => this.#reload(name));
  }

  /** `haneul dev --inspect`: `name`'s next instances start with the Node.js inspector on `port` (undefined: off). */
  inspect(name: string, port: number | undefined): void {
    this.#ctx.catalog.inspect(name, port);
  }

  /** Re-reads every function: drops the ones gone from the store, reloads the others. */
  async reloadAll(): Promise<void> {
    const stored = new Set((await this.#ctx.store.listFunctions()).map((f) => f.name));
    for (const entry of this.#ctx.catalog.entries()) {
      if (!stored.has(entry.latest.name)) await this.reload(entry.latest.name);
    }
    for (const name of stored) await this.reload(name);
  }

  async #reload(name: string): Promise<void> {
    const { store, catalog, codeStore } = this.#ctx;
    // Four reads at once: on a shared database this is what a change costs the other nodes.
    const [latest, versions, aliases, configs] = await Promise.all([
      store.getFunction(name),
      store.listVersions(name),
      store.listAliases(name),
      store.listEventInvokeConfigs(name),
    ]);
    if (!latest) return catalog.remove(name);
    const entry: FunctionEntry = newEntry(latest);
    for (const v of versions) entry.versions.set(v.version, v);
    for (const a of aliases) entry.aliases.set(a.name, a);
    for (const c of configs) entry.eventInvokeConfigs.set(c.qualifier, c);
    const shas = new Set([latest.config.codeSha256, ...[...entry.versions.values()].map((v) => v.config.codeSha256)]);
    for (const sha of shas) {
      await codeStore
        .extract(Buffer.from(sha, "base64").toString("hex"))
        .catch((e: unknown) => this.#onLoadError?.(name, e));
    }
    for (const config of [latest.config, ...[...entry.versions.values()].map((v) => v.config)]) {
      await prepareLayers(config, codeStore).catch((e: unknown) => this.#onLoadError?.(name, e));
    }
    catalog.put(entry);
    this.#ctx.readiness.prepare(latest.config.runtime);
  }

  // FunctionCatalog: answered from memory.
  version(functionName: string, version: string): FunctionSpec | undefined {
    return this.#ctx.catalog.version(functionName, version);
  }
  alias(functionName: string, alias: string): AliasRouting | undefined {
    return this.#ctx.catalog.alias(functionName, alias);
  }
  reservedTotal(): number {
    return this.#ctx.catalog.reservedTotal();
  }

  /** The async invocation settings of `name[:qualifier]` (answered from memory); undefined when gone. */
  asyncSettings(name: string, qualifier: string | undefined): ReturnType<typeof eic.asyncSettings> {
    return eic.asyncSettings(this.#ctx, name, qualifier);
  }

  /**
   * Whether the AWS service `service` (`apigateway.amazonaws.com`) may invoke `name[:qualifier]`
   * for `sourceArn`, by its resource-based policy (AddPermission); answered from memory once known.
   */
  servicePermits(
    service: string,
    name: string,
    qualifier: string | undefined,
    sourceArn: string,
  ): boolean | Promise<boolean> {
    const q = qualifier === undefined || qualifier === "$LATEST" ? "" : qualifier;
    return this.#servicePermissions.permits(service, name, q, sourceArn);
  }

  /** Checks that `name[:qualifier]` (plus `?Qualifier=`) exists, for Invoke; AWS's 404 otherwise. */
  /** The region and account every ARN of this control plane names. */
  get arnScope(): { readonly region: string; readonly accountId: string } {
    return { region: this.#ctx.region, accountId: this.#ctx.accountId };
  }

  resolveInvocation(rawName: string, query?: string): InvocationTarget {
    const r = reads.resolve(this.#ctx, rawName, query);
    this.#ctx.readiness.checkInvocable(r.source.config.runtime);
    const name = r.entry.latest.name;
    const arn = `arn:aws:lambda:${this.#ctx.region}:${this.#ctx.accountId}:function:${name}`;
    return { functionName: name, qualifier: r.qualifier, functionArn: r.qualifier ? `${arn}:${r.qualifier}` : arn };
  }

  /** CreateFunction. */
  createFunction(input: T.CreateFunctionInput): Promise<T.Json> {
    return fns.createFunction(this.#ctx, input);
  }
  /** GetFunction. */
  getFunction(name: string, qualifier?: string): T.Json {
    return reads.getFunction(this.#ctx, name, qualifier);
  }
  /** GetFunctionConfiguration. */
  getFunctionConfiguration(name: string, qualifier?: string): T.Json {
    return reads.getFunctionConfiguration(this.#ctx, name, qualifier);
  }
  /** ListFunctions. */
  listFunctions(input: T.ListFunctionsInput): T.Json {
    return reads.listFunctions(this.#ctx, input);
  }
  /** UpdateFunctionCode. */
  updateFunctionCode(name: string, input: T.UpdateFunctionCodeInput): Promise<T.Json> {
    return fns.updateFunctionCode(this.#ctx, name, input);
  }
  /** UpdateFunctionConfiguration. */
  updateFunctionConfiguration(name: string, input: T.UpdateFunctionConfigurationInput): Promise<T.Json> {
    return fns.updateFunctionConfiguration(this.#ctx, name, input);
  }
  /** DeleteFunction (whole function or one version). */
  deleteFunction(name: string, qualifier?: string): Promise<void> {
    return reads.deleteFunction(this.#ctx, name, qualifier);
  }
  /** PublishVersion. */
  publishVersion(name: string, input: T.PublishVersionInput): Promise<T.Json> {
    return versions.publishVersion(this.#ctx, name, input);
  }
  /** ListVersionsByFunction. */
  listVersionsByFunction(name: string, input: T.PageInput): T.Json {
    return versions.listVersionsByFunction(this.#ctx, name, input);
  }
  /** CreateAlias. */
  createAlias(name: string, input: T.CreateAliasInput): Promise<T.Json> {
    return aliases.createAlias(this.#ctx, name, input);
  }
  /** GetAlias. */
  getAlias(name: string, alias: string): T.Json {
    return aliases.getAlias(this.#ctx, name, alias);
  }
  /** UpdateAlias. */
  updateAlias(name: string, alias: string, input: T.UpdateAliasInput): Promise<T.Json> {
    return aliases.updateAlias(this.#ctx, name, alias, input);
  }
  /** DeleteAlias. */
  deleteAlias(name: string, alias: string): Promise<void> {
    return aliases.deleteAlias(this.#ctx, name, alias);
  }
  /** ListAliases. */
  listAliases(name: string, input: T.ListAliasesInput): T.Json {
    return aliases.listAliases(this.#ctx, name, input);
  }
  /** AddPermission. */
  addPermission(name: string, qualifier: string | undefined, input: permissions.AddPermissionInput): Promise<T.Json> {
    return permissions.addPermission(this.#ctx, name, qualifier, input);
  }
  /** RemovePermission. */
  removePermission(
    name: string,
    sid: string,
    query: { qualifier?: string | undefined; revisionId?: string | undefined },
  ): Promise<void> {
    return permissions.removePermission(this.#ctx, name, sid, query);
  }
  /** GetPolicy. */
  getPolicy(name: string, qualifier?: string): Promise<T.Json> {
    return permissions.getPolicy(this.#ctx, name, qualifier);
  }
  /** TagResource. */
  tagResource(arn: string, input: { Tags?: Record<string, string> | undefined }): Promise<void> {
    return tags.tagResource(this.#ctx, arn, input.Tags);
  }
  /** UntagResource. */
  untagResource(arn: string, keys: string[]): Promise<void> {
    return tags.untagResource(this.#ctx, arn, keys);
  }
  /** ListTags. */
  listTags(arn: string): T.Json {
    return tags.listTags(this.#ctx, arn);
  }
  /** GetAccountSettings. */
  getAccountSettings(): T.Json {
    return account.getAccountSettings(this.#ctx);
  }
  /** PutFunctionConcurrency. */
  putFunctionConcurrency(name: string, input: { ReservedConcurrentExecutions?: number | undefined }): Promise<T.Json> {
    return concurrency.putFunctionConcurrency(this.#ctx, name, input);
  }
  /** GetFunctionConcurrency. */
  getFunctionConcurrency(name: string): T.Json {
    return concurrency.getFunctionConcurrency(this.#ctx, name);
  }
  /** DeleteFunctionConcurrency. */
  deleteFunctionConcurrency(name: string): Promise<void> {
    return concurrency.deleteFunctionConcurrency(this.#ctx, name);
  }
  /** A function's RecursiveLoop setting from memory (undefined: Terminate, or no such function). */
  recursiveLoop(name: string): "Allow" | "Terminate" | undefined {
    return this.#ctx.catalog.entry(name)?.latest.recursiveLoop;
  }
  /** PutFunctionRecursionConfig. */
  putFunctionRecursionConfig(name: string, input: { RecursiveLoop?: string | undefined }): Promise<T.Json> {
    return recursion.putFunctionRecursionConfig(this.#ctx, name, input);
  }
  /** GetFunctionRecursionConfig. */
  getFunctionRecursionConfig(name: string): T.Json {
    return recursion.getFunctionRecursionConfig(this.#ctx, name);
  }
  /** PutFunctionEventInvokeConfig (replaces the whole config). */
  putFunctionEventInvokeConfig(
    name: string,
    qualifier: string | undefined,
    input: T.EventInvokeConfigInput,
  ): Promise<T.Json> {
    return eic.putEventInvokeConfig(this.#ctx, { rawName: name, query: qualifier, input, merge: false });
  }
  /** UpdateFunctionEventInvokeConfig (merges into the existing config). */
  updateFunctionEventInvokeConfig(
    name: string,
    qualifier: string | undefined,
    input: T.EventInvokeConfigInput,
  ): Promise<T.Json> {
    return eic.putEventInvokeConfig(this.#ctx, { rawName: name, query: qualifier, input, merge: true });
  }
  /** GetFunctionEventInvokeConfig. */
  getFunctionEventInvokeConfig(name: string, qualifier?: string): T.Json {
    return eic.getEventInvokeConfig(this.#ctx, name, qualifier);
  }
  /** DeleteFunctionEventInvokeConfig. */
  deleteFunctionEventInvokeConfig(name: string, qualifier?: string): Promise<void> {
    return eic.deleteEventInvokeConfig(this.#ctx, name, qualifier);
  }
  /** ListFunctionEventInvokeConfigs. */
  listFunctionEventInvokeConfigs(name: string, input: T.PageInput): T.Json {
    return eic.listEventInvokeConfigs(this.#ctx, name, input);
  }
}
