import type { FunctionSpec } from "../domain/function-spec.js";
import type { AliasRouting, FunctionCatalog } from "../ports/function-catalog.js";
import type {
  AliasRecord,
  EventInvokeConfigRecord,
  FunctionConfig,
  FunctionRecord,
  VersionRecord,
} from "../ports/store.js";
import { type ArnScope, functionArn } from "./arn.js";
import { layerHexes } from "./function-layers.js";

/** Everything known about one function, held in memory. */
export interface FunctionEntry {
  latest: FunctionRecord;
  readonly versions: Map<number, VersionRecord>;
  readonly aliases: Map<string, AliasRecord>;
  readonly eventInvokeConfigs: Map<string, EventInvokeConfigRecord>;
}

/** Creates an entry with no versions, aliases or configs. */
export function newEntry(latest: FunctionRecord): FunctionEntry {
  return { latest, versions: new Map(), aliases: new Map(), eventInvokeConfigs: new Map() };
}

/** A debugged function's timeout: a day, so a paused breakpoint is not cut short. */
const DEBUG_TIMEOUT_SEC = 86_400;

export interface MemoryCatalogOptions extends ArnScope {
  /** The extracted code directory of a zip (by SHA-256 hex). */
  readonly codeDir: (sha256Hex: string) => string;
  /** The merged tree of layers (by their zips' SHA-256 hex, in order). */
  readonly optDir?: ((sha256Hexes: readonly string[]) => string) | undefined;
}

/**
 * The control plane's in-memory copy of every function. It answers the invoker (FunctionCatalog)
 * without touching the store; the control plane updates it after each successful write.
 */
export class MemoryCatalog implements FunctionCatalog {
  readonly #o: MemoryCatalogOptions;
  readonly #entries = new Map<string, FunctionEntry>();
  /** Specs are built once per change, so the invoker's lookups allocate nothing. */
  readonly #specs = new Map<string, Map<string, FunctionSpec>>();
  readonly #routing = new Map<string, Map<string, AliasRouting>>();
  /** Kept up to date on change: the invoker asks on every call. */
  #reservedTotal = 0;
  /** `haneul dev --inspect`: functions whose instances start with the Node.js inspector, and its port. */
  readonly #inspected = new Map<string, number>();

  constructor(options: MemoryCatalogOptions) {
    this.#o = options;
  }

  version(functionName: string, version: string): FunctionSpec | undefined {
    return this.#specs.get(functionName)?.get(version);
  }

  alias(functionName: string, alias: string): AliasRouting | undefined {
    return this.#routing.get(functionName)?.get(alias);
  }

  reservedTotal(): number {
    return this.#reservedTotal;
  }

  /** The entry of `name`, or undefined. */
  entry(name: string): FunctionEntry | undefined {
    return this.#entries.get(name);
  }

  /** All entries, ordered by function name. */
  entries(): FunctionEntry[] {
    return [...this.#entries.values()].sort((a, b) => (a.latest.name < b.latest.name ? -1 : 1));
  }

  /** Adds or replaces a whole entry. */
  put(entry: FunctionEntry): void {
    this.#entries.set(entry.latest.name, entry);
    this.refresh(entry.latest.name);
  }

  /** Forgets a function. */
  remove(name: string): void {
    this.#entries.delete(name);
    this.#specs.delete(name);
    this.#routing.delete(name);
    this.#sumReserved();
  }

  #sumReserved(): void {
    let total = 0;
    for (const e of this.#entries.values()) total += e.latest.reservedConcurrency ?? 0;
    this.#reservedTotal = total;
  }

  /**
   * Debugging (`haneul dev --inspect`): `name`'s instances start with the inspector on `port`, one
   * at a time, with no timeout while a debugger holds them; undefined ends it. New specs get a new
   * revision, so no instance started without the inspector serves again.
   */
  inspect(name: string, port: number | undefined): void {
    if (port === undefined) this.#inspected.delete(name);
    else this.#inspected.set(name, port);
    this.refresh(name);
  }

  /** Rebuilds the specs and routings of `name` after its entry changed. */
  refresh(name: string): void {
    const entry = this.#entries.get(name);
    if (!entry) return this.remove(name);
    const specs = new Map<string, FunctionSpec>();
    const l = entry.latest;
    specs.set("$LATEST", this.#spec(l, l.config, { version: "$LATEST", revision: l.configRevision }));
    for (const v of entry.versions.values()) {
      specs.set(String(v.version), this.#spec(l, v.config, { version: String(v.version), revision: v.revisionId }));
    }
    this.#specs.set(name, specs);
    const routing = new Map<string, AliasRouting>();
    for (const a of entry.aliases.values()) {
      routing.set(a.name, { name: a.name, primaryVersion: a.functionVersion, additionalVersion: a.additionalVersion });
    }
    this.#routing.set(name, routing);
    this.#sumReserved();
  }

  #spec(fn: FunctionRecord, config: FunctionConfig, v: { version: string; revision: string }): FunctionSpec {
    const inspectPort = this.#inspected.get(fn.name);
    const debugged = inspectPort !== undefined;
    return Object.freeze({
      functionName: fn.name,
      functionArn: functionArn(this.#o, fn.name),
      version: v.version,
      revision: debugged ? `${v.revision}+inspect` : v.revision,
      runtime: config.runtime,
      handler: config.handler ?? "",
      codeDir: this.#o.codeDir(Buffer.from(config.codeSha256, "base64").toString("hex")),
      optDir: config.layers?.length ? this.#o.optDir?.(layerHexes(config.layers)) : undefined,
      memoryMb: config.memorySize,
      ephemeralStorageMb: config.ephemeralStorageSize,
      timeoutSec: debugged ? DEBUG_TIMEOUT_SEC : config.timeout,
      environment: Object.freeze({ ...(config.environment ?? {}) }),
      region: this.#o.region,
      role: config.role,
      reservedConcurrency: debugged ? 1 : fn.reservedConcurrency,
      ...(debugged && { inspectPort }),
      logging:
        config.logFormat === "JSON" || config.logGroup !== `/aws/lambda/${fn.name}`
          ? Object.freeze({
              format: config.logFormat === "JSON" ? "JSON" : "Text",
              group: config.logGroup,
              applicationLevel: config.applicationLogLevel,
              systemLevel: config.systemLogLevel,
            })
          : undefined,
    });
  }
}
