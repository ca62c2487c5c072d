/**
 * Create/Get/Update/Delete/ListEventSourceMappings: parameters checked as Lambda checks them (the
 * model's constraints first, then the source kind's), mappings stored, and the runner told.
 * A mapping is stored in a transitional state (Creating, Updating, Enabling, Disabling); the
 * runner settles it to Enabled or Disabled once it has applied the change.
 */
import type { MappingRecord, MappingStore } from "../ports/mapping-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { checkFilterCriteria } from "./filters.js";
import { mappingView } from "./mapping-view.js";
import type { EventSourceKind, Json, MappedFunction, MappingFunctions } from "./types.js";
import { invalidParameter, Violations } from "./validation.js";

export interface MappingServiceOptions {
  readonly store: MappingStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  readonly functions: MappingFunctions;
  /** The source kinds this node consumes. */
  readonly kinds: readonly EventSourceKind[];
  /** A mapping was created, changed or deleted (the runner applies it; cluster mode announces it). */
  readonly onChange?: ((uuid: string) => void) | undefined;
}

const REASON = "USER_INITIATED";
const STREAM_SERVICES = new Set(["kinesis", "dynamodb"]);

const notFound = () => new PlatformError("ERR_RESOURCE_NOT_FOUND", "The resource you requested does not exist.");

/** The model's constraints shared by every source kind. */
function checkCommon(input: Json): void {
  const v = new Violations();
  v.range(input["BatchSize"], "batchSize", [1, 10_000]);
  v.range(input["MaximumBatchingWindowInSeconds"], "maximumBatchingWindowInSeconds", [0, 300]);
  const scaling = input["ScalingConfig"] as Json | undefined;
  v.range(scaling?.["MaximumConcurrency"], "scalingConfig.maximumConcurrency", [2, 1000]);
  v.responseTypes(input["FunctionResponseTypes"]);
  v.throwIfAny();
  if (input["FilterCriteria"] !== undefined) checkFilterCriteria(input["FilterCriteria"]);
}

/** The event source mapping operations. */
export class MappingService {
  readonly #o: MappingServiceOptions;

  constructor(options: MappingServiceOptions) {
    this.#o = options;
  }

  get scope(): { region: string; accountId: string } {
    return this.#o;
  }

  /** The source kind of an ARN, or AWS's error for a source haneul does not have. */
  kindOf(arn: unknown): EventSourceKind {
    const service = typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[2] : undefined;
    const kind = this.#o.kinds.find((k) => k.service === service);
    if (kind) return kind;
    if (service !== undefined && STREAM_SERVICES.has(service))
      throw invalidParameter(`Stream not found: ${String(arn)}`);
    throw invalidParameter("Unrecognized event source.");
  }

  #function(name: unknown): MappedFunction {
    if (typeof name !== "string" || name === "") {
      throw new PlatformError(
        "ERR_VALIDATION",
        "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null",
      );
    }
    const fn = this.#o.functions.resolve(name);
    if (!fn) throw invalidParameter("Function does not exist");
    return fn;
  }

  #view(m: MappingRecord, state?: MappingRecord["state"]): Json {
    return mappingView(m, { kind: this.kindOf(m.eventSourceArn), scope: this.#o, state });
  }

  async create(input: Json): Promise<Json> {
    checkCommon(input);
    const fn = this.#function(input["FunctionName"]);
    const arn = input["EventSourceArn"];
    const kind = this.kindOf(arn);
    const settings = await kind.settings(arn as string, input, { fn });
    const enabled = input["Enabled"] !== false;
    const mapping: MappingRecord = {
      uuid: this.#o.ids.requestId(),
      eventSourceArn: arn as string,
      functionArn: fn.functionArn,
      state: "Creating",
      stateTransitionReason: REASON,
      enabled,
      lastModified: this.#o.clock.now(),
      settings,
    };
    const stored = await this.#o.store.insert(mapping);
    if (!stored.inserted) throw this.#conflict(mapping, fn, stored.existing);
    this.#o.onChange?.(mapping.uuid);
    return this.#view(mapping);
  }

  #conflict(m: MappingRecord, fn: MappedFunction, existing: string): PlatformError {
    const service = m.eventSourceArn.split(":")[2]?.toUpperCase();
    const message =
      service === "SQS"
        ? `An event source mapping with SQS arn (" ${m.eventSourceArn} ") and function (" ${fn.functionName} ") already exists. Please update or delete the existing mapping with UUID ${existing}`
        : `The event source arn (" ${m.eventSourceArn} ") and function (" ${fn.functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${existing}`;
    return new PlatformError("ERR_RESOURCE_CONFLICT", message);
  }

  async #stored(uuid: string): Promise<MappingRecord> {
    const m = await this.#o.store.get(uuid);
    if (!m) throw notFound();
    return m;
  }

  async get(uuid: string): Promise<Json> {
    return this.#view(await this.#stored(uuid));
  }

  async update(uuid: string, input: Json): Promise<Json> {
    checkCommon(input);
    const m = await this.#stored(uuid);
    const kind = this.kindOf(m.eventSourceArn);
    const fn =
      input["FunctionName"] === undefined
        ? (this.#o.functions.resolve(m.functionArn) ?? this.#function(m.functionArn))
        : this.#function(input["FunctionName"]);
    const settings = await kind.settings(m.eventSourceArn, input, { previous: m.settings, fn });
    const enabled = typeof input["Enabled"] === "boolean" ? input["Enabled"] : m.enabled;
    const state = enabled === m.enabled ? "Updating" : enabled ? "Enabling" : "Disabling";
    const next: MappingRecord = {
      ...m,
      functionArn: fn.functionArn,
      enabled,
      state,
      stateTransitionReason: REASON,
      lastModified: this.#o.clock.now(),
      settings,
    };
    if (fn.functionArn !== m.functionArn) {
      const other = (await this.#o.store.list()).find(
        (o) => o.eventSourceArn === m.eventSourceArn && o.functionArn === fn.functionArn,
      );
      if (other) throw this.#conflict(m, fn, other.uuid);
    }
    if (!(await this.#o.store.update(next))) throw notFound();
    this.#o.onChange?.(uuid);
    return this.#view(next);
  }

  async delete(uuid: string): Promise<Json> {
    const m = await this.#stored(uuid);
    if (!(await this.#o.store.delete(uuid))) throw notFound();
    // The runner forgets them again once its worker stopped (one still running may have moved one).
    await this.kindOf(m.eventSourceArn).forget?.(uuid);
    this.#o.onChange?.(uuid);
    return this.#view(m, "Deleting");
  }

  async list(input: {
    EventSourceArn?: string | undefined;
    FunctionName?: string | undefined;
    Marker?: string | undefined;
    MaxItems?: number | undefined;
  }): Promise<Json> {
    const v = new Violations();
    v.range(input.MaxItems, "maxItems", [1, 10_000]);
    v.throwIfAny();
    let all = await this.#o.store.list();
    if (input.EventSourceArn !== undefined) all = all.filter((m) => m.eventSourceArn === input.EventSourceArn);
    if (input.FunctionName !== undefined) {
      const fn = this.#o.functions.resolve(input.FunctionName);
      const unqualified = fn && fn.qualifier === undefined;
      all = all.filter(
        (m) =>
          fn !== undefined &&
          (m.functionArn === fn.functionArn || (unqualified && m.functionArn.startsWith(`${fn.functionArn}:`))),
      );
    }
    const start = input.Marker === undefined ? 0 : Number(input.Marker);
    if (!Number.isInteger(start) || start < 0) throw invalidParameter("Invalid marker");
    const max = input.MaxItems ?? 100;
    const page = all.slice(start, start + max);
    const next = start + max < all.length ? String(start + max) : undefined;
    return { EventSourceMappings: page.map((m) => this.#view(m)), ...(next !== undefined && { NextMarker: next }) };
  }
}
