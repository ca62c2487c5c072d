import type {
  AliasRecord,
  AsyncEventRecord,
  AsyncEventState,
  EventInvokeConfigRecord,
  FunctionConfig,
  FunctionRecord,
  VersionRecord,
} from "../../ports/store.js";

/** Column values as better-sqlite3 returns them. */
export type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => Number(v);
const optStr = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : (v as string));
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** A functions row → FunctionRecord. */
export function toFunction(r: Row): FunctionRecord {
  return {
    name: str(r.name),
    config: JSON.parse(str(r.config)) as FunctionConfig,
    revisionId: str(r.revision_id),
    configRevision: str(r.config_revision),
    state: str(r.state),
    tags: JSON.parse(str(r.tags)) as Record<string, string>,
    reservedConcurrency: optNum(r.reserved_concurrency),
    ...(r.recursive_loop != null && { recursiveLoop: str(r.recursive_loop) as FunctionRecord["recursiveLoop"] }),
    lastModified: num(r.last_modified),
    createdAt: num(r.created_at),
  };
}

/** FunctionRecord → named parameters of the functions table. */
export function functionParams(f: FunctionRecord): Row {
  return {
    name: f.name,
    config: JSON.stringify(f.config),
    revision_id: f.revisionId,
    config_revision: f.configRevision,
    state: f.state,
    tags: JSON.stringify(f.tags),
    reserved_concurrency: f.reservedConcurrency ?? null,
    last_modified: f.lastModified,
    created_at: f.createdAt,
  };
}

/** A function_versions row → VersionRecord. */
export function toVersion(r: Row): VersionRecord {
  return {
    functionName: str(r.function_name),
    version: num(r.version),
    config: JSON.parse(str(r.config)) as FunctionConfig,
    revisionId: str(r.revision_id),
    configRevision: str(r.config_revision),
    lastModified: num(r.last_modified),
    createdAt: num(r.created_at),
  };
}

/** An aliases row → AliasRecord. */
export function toAlias(r: Row): AliasRecord {
  const extra = optStr(r.additional_version);
  return {
    functionName: str(r.function_name),
    name: str(r.name),
    functionVersion: str(r.function_version),
    description: str(r.description),
    additionalVersion: extra === undefined ? undefined : { version: extra, weight: num(r.additional_weight) },
    revisionId: str(r.revision_id),
  };
}

/** AliasRecord → named parameters of the aliases table. */
export function aliasParams(a: AliasRecord): Row {
  return {
    function_name: a.functionName,
    name: a.name,
    function_version: a.functionVersion,
    description: a.description,
    additional_version: a.additionalVersion?.version ?? null,
    additional_weight: a.additionalVersion?.weight ?? null,
    revision_id: a.revisionId,
  };
}

/** An event_invoke_configs row → EventInvokeConfigRecord. */
export function toEventInvokeConfig(r: Row): EventInvokeConfigRecord {
  return {
    functionName: str(r.function_name),
    qualifier: str(r.qualifier),
    maximumRetryAttempts: optNum(r.maximum_retry_attempts),
    maximumEventAgeInSeconds: optNum(r.maximum_event_age_seconds),
    onSuccess: optStr(r.on_success),
    onFailure: optStr(r.on_failure),
    lastModified: num(r.last_modified),
  };
}

/** An async_events row → AsyncEventRecord. */
export function toAsyncEvent(r: Row): AsyncEventRecord {
  return {
    id: str(r.id),
    functionName: str(r.function_name),
    qualifier: optStr(r.qualifier),
    payload: Buffer.from(r.payload as Uint8Array),
    requestId: str(r.request_id),
    clientContext: optStr(r.client_context),
    traceId: optStr(r.trace_id),
    enqueuedAt: num(r.enqueued_at),
    nextRunAt: num(r.next_run_at),
    state: str(r.state) as AsyncEventState,
    attempts: num(r.attempts),
    lockedBy: optStr(r.locked_by),
    lockedUntil: optNum(r.locked_until),
    lastError: optStr(r.last_error),
    finishedAt: optNum(r.finished_at),
  };
}
