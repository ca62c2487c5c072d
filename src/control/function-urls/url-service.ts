/**
 * Function URLs (CreateFunctionUrlConfig and friends) with AWS's validation and messages. Every
 * URL is held in memory by its id, so serving one never touches the store. A URL belongs to a
 * function (`$LATEST`) or to one of its aliases and goes away with it: after every change of a
 * function the URLs whose target is gone are deleted.
 */
import type { FunctionCatalog } from "../../ports/function-catalog.js";
import type { FunctionUrlRecord, FunctionUrlStore } from "../../ports/function-url-store.js";
import type { Clock } from "../../shared/clock.js";
import { PlatformError } from "../../shared/errors.js";
import type { IdSource } from "../../shared/ids.js";
import { type ArnScope, functionArn } from "../arn.js";
import { KeyedLock } from "../keyed-lock.js";
import { mergeQualifier, parseFunctionRef } from "../names.js";
import { paginate } from "../paging.js";
import type { Json, PageInput } from "../types.js";
import { checkUrlInput, checkUrlQualifier, corsOf, type FunctionUrlInput } from "./url-input.js";

export interface FunctionUrlServiceOptions extends ArnScope {
  readonly store: FunctionUrlStore;
  /** The functions and aliases that exist (the control plane's in-memory catalog). */
  readonly catalog: Pick<FunctionCatalog, "version" | "alias">;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The URL of an id (`http://<id>.lambda-url.<region>.localhost:<port>/`), known once the gateway listens. */
  readonly urlOf: (urlId: string) => string;
  /** Told after every write, so that the other nodes of a cluster re-read the function's URLs. */
  readonly onChange?: ((functionName: string) => void) | undefined;
}

const notFound = () => new PlatformError("ERR_RESOURCE_NOT_FOUND", "The resource you requested does not exist.");
const noFunction = () => new PlatformError("ERR_RESOURCE_NOT_FOUND", "Function does not exist");
const key = (name: string, qualifier: string) => `${name}\u0000${qualifier}`;

/** Lambda's function URL timestamps: ISO-8601 with microseconds (`2021-12-01T01:23:45.678000Z`). */
export function urlDate(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}

/** The function URLs of a node: the control operations and the lookup by id the data plane uses. */
export class FunctionUrlService {
  readonly #o: FunctionUrlServiceOptions;
  readonly #byId = new Map<string, FunctionUrlRecord>();
  readonly #byTarget = new Map<string, FunctionUrlRecord>();
  readonly #lock = new KeyedLock();

  private constructor(o: FunctionUrlServiceOptions) {
    this.#o = o;
  }

  /** Loads every URL from the store. */
  static async open(options: FunctionUrlServiceOptions): Promise<FunctionUrlService> {
    const service = new FunctionUrlService(options);
    for (const r of await options.store.listAllUrls()) service.#remember(r);
    return service;
  }

  /** The URL of an id whose function (or alias) still exists, or undefined: answered from memory. */
  byId(urlId: string): FunctionUrlRecord | undefined {
    const r = this.#byId.get(urlId);
    return r && this.#targetExists(r.functionName, r.qualifier) ? r : undefined;
  }

  /** The URL of a function (`qualifier` "") or alias, from memory. */
  byTarget(functionName: string, qualifier: string): FunctionUrlRecord | undefined {
    return this.#byTarget.get(key(functionName, qualifier));
  }

  /** The full URL of a record. */
  urlOf(r: FunctionUrlRecord): string {
    return this.#o.urlOf(r.urlId);
  }

  /**
   * Re-reads a function's URLs from the store (another node changed them, or the function changed
   * here) and deletes those whose function or alias is gone.
   */
  reload(functionName: string): Promise<void> {
    return this.#lock.run(functionName, async () => {
      for (const r of [...this.#byId.values()]) if (r.functionName === functionName) this.#forget(r);
      for (const r of await this.#o.store.listUrls(functionName)) {
        if (this.#targetExists(r.functionName, r.qualifier)) this.#remember(r);
        else await this.#o.store.deleteUrl(r.functionName, r.qualifier);
      }
    });
  }

  /** Re-reads every URL (a cluster node catching up). */
  async reloadAll(): Promise<void> {
    const names = new Set([...this.#byId.values()].map((r) => r.functionName));
    for (const r of await this.#o.store.listAllUrls()) names.add(r.functionName);
    for (const name of names) await this.reload(name);
  }

  /** CreateFunctionUrlConfig. */
  create(rawName: string, query: string | undefined, input: FunctionUrlInput): Promise<Json> {
    const { name, qualifier } = this.#target(rawName, query);
    checkUrlInput(input, true);
    return this.#write(name, async () => {
      if (!this.#o.catalog.version(name, "$LATEST")) throw noFunction();
      const existing = this.byTarget(name, qualifier);
      if (existing) {
        throw new PlatformError(
          "ERR_RESOURCE_CONFLICT",
          `Failed to create function url config for [functionArn = ${this.#arn(existing)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
        );
      }
      if (!this.#targetExists(name, qualifier)) throw noFunction();
      const now = this.#o.clock.now();
      const record: FunctionUrlRecord = {
        urlId: urlId(this.#o.ids),
        functionName: name,
        qualifier,
        authType: input.AuthType as FunctionUrlRecord["authType"],
        invokeMode: (input.InvokeMode ?? "BUFFERED") as FunctionUrlRecord["invokeMode"],
        cors: corsOf(input.Cors),
        createdAt: now,
        lastModified: now,
      };
      if (!(await this.#o.store.insertUrl(record))) {
        throw new PlatformError(
          "ERR_RESOURCE_CONFLICT",
          `Failed to create function url config for [functionArn = ${this.#arn(record)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
        );
      }
      this.#remember(record);
      // CreateFunctionUrlConfig answers without LastModifiedTime, as AWS does.
      const view = this.#view(record);
      delete view["LastModifiedTime"];
      return view;
    });
  }

  /** GetFunctionUrlConfig. */
  get(rawName: string, query: string | undefined): Json {
    const { name, qualifier } = this.#target(rawName, query);
    if (!this.#o.catalog.version(name, "$LATEST")) throw notFound();
    const r = this.byTarget(name, qualifier);
    if (!r) throw notFound();
    return this.#view(r);
  }

  /** UpdateFunctionUrlConfig: the members given replace the stored ones (Cors as a whole). */
  update(rawName: string, query: string | undefined, input: FunctionUrlInput): Promise<Json> {
    const { name, qualifier } = this.#target(rawName, query);
    checkUrlInput(input, false);
    return this.#write(name, async () => {
      if (!this.#targetExists(name, qualifier)) throw noFunction();
      const current = this.byTarget(name, qualifier);
      if (!current) throw notFound();
      const record: FunctionUrlRecord = {
        ...current,
        authType: (input.AuthType ?? current.authType) as FunctionUrlRecord["authType"],
        invokeMode: (input.InvokeMode ?? current.invokeMode) as FunctionUrlRecord["invokeMode"],
        cors: input.Cors === undefined ? current.cors : corsOf(input.Cors),
        lastModified: this.#o.clock.now(),
      };
      if (!(await this.#o.store.updateUrl(record))) throw notFound();
      this.#remember(record);
      return this.#view(record);
    });
  }

  /** DeleteFunctionUrlConfig. */
  delete(rawName: string, query: string | undefined): Promise<void> {
    const { name, qualifier } = this.#target(rawName, query);
    return this.#write(name, async () => {
      if (!this.#o.catalog.version(name, "$LATEST")) throw notFound();
      const current = this.byTarget(name, qualifier);
      if (!current) throw notFound();
      await this.#o.store.deleteUrl(name, qualifier);
      this.#forget(current);
    });
  }

  /** ListFunctionUrlConfigs: the function's own URL, then its aliases' by name. */
  list(rawName: string, input: PageInput): Json {
    const { name } = parseFunctionRef(rawName, this.#o);
    if (!this.#o.catalog.version(name, "$LATEST")) throw noFunction();
    const mine = [...this.#byTarget.values()].filter((r) => r.functionName === name);
    const page = paginate(mine, (r) => `q${r.qualifier}`, input, 50);
    return {
      FunctionUrlConfigs: page.items.map((r) => this.#view(r)),
      ...(page.nextMarker && { NextMarker: page.nextMarker }),
    };
  }

  #target(rawName: string, query: string | undefined): { name: string; qualifier: string } {
    const ref = parseFunctionRef(rawName, this.#o);
    const given = mergeQualifier(ref, query);
    checkUrlQualifier(given);
    return { name: ref.name, qualifier: given ?? "" };
  }

  #targetExists(name: string, qualifier: string): boolean {
    if (!this.#o.catalog.version(name, "$LATEST")) return false;
    return qualifier === "" || this.#o.catalog.alias(name, qualifier) !== undefined;
  }

  #write<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.#lock.run(name, task).finally(() => this.#o.onChange?.(name));
  }

  #remember(r: FunctionUrlRecord): void {
    const old = this.#byTarget.get(key(r.functionName, r.qualifier));
    if (old) this.#byId.delete(old.urlId);
    this.#byId.set(r.urlId, r);
    this.#byTarget.set(key(r.functionName, r.qualifier), r);
  }

  #forget(r: FunctionUrlRecord): void {
    this.#byId.delete(r.urlId);
    this.#byTarget.delete(key(r.functionName, r.qualifier));
  }

  #arn(r: FunctionUrlRecord): string {
    return functionArn(this.#o, r.functionName, r.qualifier || undefined);
  }

  #view(r: FunctionUrlRecord): Json {
    return {
      FunctionUrl: this.urlOf(r),
      FunctionArn: this.#arn(r),
      AuthType: r.authType,
      ...(r.cors && { Cors: r.cors }),
      CreationTime: urlDate(r.createdAt),
      LastModifiedTime: urlDate(r.lastModified),
      InvokeMode: r.invokeMode,
    };
  }
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** 32 lowercase letters and digits, as AWS's function URL ids. */
function urlId(ids: IdSource): string {
  const hex = ids.hex(32);
  let out = "";
  for (let i = 0; i < 64; i += 2) out += ALPHABET[parseInt(hex.slice(i, i + 2), 16) % 36];
  return out;
}
