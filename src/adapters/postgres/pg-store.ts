import type {
  AliasRecord,
  AliasWriteResult,
  AsyncEventRecord,
  ClaimOptions,
  ConcurrencyResult,
  DeleteVersionResult,
  EventInvokeConfigRecord,
  EventRetry,
  FunctionRecord,
  NewAsyncEvent,
  PolicyChange,
  PolicyChangeResult,
  PolicyStatementRecord,
  PublishResult,
  PublishVersionInput,
  Store,
  TagsResult,
  VersionRecord,
} from "../../ports/store.js";
import type { RecursiveLoop } from "../../domain/recursion.js";
import {
  aliasParams,
  functionParams,
  toAlias,
  toAsyncEvent,
  toEventInvokeConfig,
  toFunction,
  toVersion,
} from "../sqlite/rows.js";
import { Batcher } from "./batcher.js";
import type { PgDatabase, Queryable } from "./database.js";
import * as aliases from "./sql/aliases.js";
import * as events from "./sql/async-events.js";
import * as eic from "./sql/event-invoke-configs.js";
import * as fns from "./sql/functions.js";
import {
  ASYNC_EVENTS,
  claimDue,
  finish,
  finishMany,
  nextDue,
  releaseAll,
  renewClaims,
  reschedule,
} from "./sql/leased-work.js";
import * as policies from "./sql/policies.js";
import * as versions from "./sql/versions.js";

/**
 * The Store on PostgreSQL, for one node or several sharing the database. Writes that must not race
 * with other nodes lock the function's row (FOR UPDATE) in one transaction, so an alias and the
 * deletion of its version, or two publishes, are serialized across nodes.
 */
export class PgStore implements Store {
  readonly #db: PgDatabase;
  #closed = false;
  /** Event enqueues and completions arriving together share one statement and one commit. */
  readonly #enqueues: Batcher<NewAsyncEvent, undefined>;
  readonly #completions: Batcher<{ id: string; owner: string; at: number }, boolean>;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
    this.#enqueues = new Batcher(async (batch) => {
      await events.insertEvents(db, batch);
      return batch.map(() => undefined);
    });
    this.#completions = new Batcher(async (batch) => {
      const done = await finishMany(db, ASYNC_EVENTS, batch);
      return batch.map((c) => done.has(c.id));
    });
  }

  insertFunction(record: FunctionRecord): Promise<boolean> {
    return fns.insertFunction(this.#db, functionParams(record));
  }

  async getFunction(name: string): Promise<FunctionRecord | undefined> {
    const row = await fns.selectFunction(this.#db, name);
    return row && toFunction(row);
  }

  async listFunctions(): Promise<FunctionRecord[]> {
    return (await fns.selectFunctions(this.#db)).map(toFunction);
  }

  updateFunction(record: FunctionRecord, expectedRevisionId: string): Promise<boolean> {
    return fns.updateFunction(this.#db, functionParams(record), expectedRevisionId);
  }

  deleteFunction(name: string): Promise<boolean> {
    return fns.deleteFunction(this.#db, name);
  }

  publishVersion(input: PublishVersionInput): Promise<PublishResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<PublishResult> => {
      const row = await fns.selectFunction(db, input.functionName, tx, true);
      if (!row) return { kind: "not-found" };
      if (row.revision_id !== input.expectedRevisionId) return { kind: "conflict" };
      const number = Number(row.next_version);
      const version: VersionRecord = { ...input.version, functionName: input.functionName, version: number };
      await versions.insertVersion(db, tx, {
        function_name: version.functionName,
        version: version.version,
        config: JSON.stringify(version.config),
        revision_id: version.revisionId,
        config_revision: version.configRevision,
        last_modified: version.lastModified,
        created_at: version.createdAt,
      });
      const counter = { name: input.functionName, next: number + 1, revisionId: input.newLatestRevisionId };
      await fns.advanceVersionCounter(db, tx, counter);
      return { kind: "published", version };
    });
  }

  async getVersion(functionName: string, version: number): Promise<VersionRecord | undefined> {
    const row = await versions.selectVersion(this.#db, functionName, version);
    return row && toVersion(row);
  }

  async listVersions(functionName: string): Promise<VersionRecord[]> {
    return (await versions.selectVersions(this.#db, functionName)).map(toVersion);
  }

  deleteVersion(functionName: string, version: number): Promise<DeleteVersionResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<DeleteVersionResult> => {
      // The function's row lock keeps an alias from being pointed at the version meanwhile.
      await fns.selectFunction(db, functionName, tx, true);
      const referencing = await versions.selectAliasesOfVersion(db, tx, functionName, String(version));
      if (referencing.length > 0) return { kind: "referenced", aliases: referencing };
      if (!(await versions.deleteVersion(db, tx, functionName, version))) return { kind: "not-found" };
      await eic.deleteEventInvokeConfig(db, functionName, String(version), tx);
      await policies.deleteQualifierStatements(db, tx, functionName, String(version));
      return { kind: "deleted" };
    });
  }

  insertAlias(record: AliasRecord): Promise<AliasWriteResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<AliasWriteResult> => {
      const missing = await this.#missingVersion(tx, record);
      if (missing) return missing;
      return (await aliases.insertAlias(db, tx, aliasParams(record))) ? { kind: "ok" } : { kind: "exists" };
    });
  }

  async getAlias(functionName: string, name: string): Promise<AliasRecord | undefined> {
    const row = await aliases.selectAlias(this.#db, functionName, name);
    return row && toAlias(row);
  }

  async listAliases(functionName: string): Promise<AliasRecord[]> {
    return (await aliases.selectAliases(this.#db, functionName)).map(toAlias);
  }

  updateAlias(record: AliasRecord, expectedRevisionId: string): Promise<AliasWriteResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<AliasWriteResult> => {
      if (!(await fns.selectFunction(db, record.functionName, tx, true))) return { kind: "not-found" };
      if (!(await aliases.selectAlias(db, record.functionName, record.name, tx))) return { kind: "not-found" };
      const missing = await this.#missingVersion(tx, record);
      if (missing) return missing;
      return (await aliases.updateAlias(db, tx, aliasParams(record), expectedRevisionId))
        ? { kind: "ok" }
        : { kind: "conflict" };
    });
  }

  deleteAlias(functionName: string, name: string): Promise<boolean> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<boolean> => {
      const deleted = await aliases.deleteAlias(db, tx, functionName, name);
      if (deleted) {
        await eic.deleteEventInvokeConfig(db, functionName, name, tx);
        await policies.deleteQualifierStatements(db, tx, functionName, name);
      }
      return deleted;
    });
  }

  /** An alias may only route to `$LATEST` or to versions that exist; locks the function's row. */
  async #missingVersion(tx: Queryable, record: AliasRecord): Promise<AliasWriteResult | undefined> {
    if (!(await fns.selectFunction(this.#db, record.functionName, tx, true))) return { kind: "not-found" };
    for (const v of [record.functionVersion, record.additionalVersion?.version]) {
      if (v === undefined || v === "$LATEST") continue;
      if (!(await versions.selectVersion(this.#db, record.functionName, Number(v), tx))) {
        return { kind: "missing-version", version: v };
      }
    }
    return undefined;
  }

  setReservedConcurrency(
    functionName: string,
    value: number | undefined,
    maxTotal?: number,
  ): Promise<ConcurrencyResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<ConcurrencyResult> => {
      // One lock for all reservations: two nodes reserving for two functions cannot both pass the sum check.
      await fns.lockReservations(db, tx);
      if (!(await fns.selectFunction(db, functionName, tx, true))) return "not-found";
      if (
        value !== undefined &&
        maxTotal !== undefined &&
        (await fns.sumReservedExcept(db, tx, functionName)) + value > maxTotal
      ) {
        return "limit";
      }
      await fns.updateReservedConcurrency(db, tx, functionName, value ?? null);
      return "ok";
    });
  }

  setRecursiveLoop(functionName: string, value: RecursiveLoop): Promise<boolean> {
    return fns.updateRecursiveLoop(this.#db, functionName, value);
  }

  updateTags(
    functionName: string,
    change: { readonly set: Readonly<Record<string, string>>; readonly remove: readonly string[] },
    max: number,
    newRevisionId: string,
  ): Promise<TagsResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<TagsResult> => {
      const row = await fns.selectFunction(db, functionName, tx, true);
      if (!row) return "not-found";
      const tags = { ...toFunction(row).tags, ...change.set };
      for (const key of change.remove) delete tags[key];
      if (Object.keys(tags).length > max) return "limit";
      await fns.updateTags(db, tx, { name: functionName, tags: JSON.stringify(tags), revisionId: newRevisionId });
      return "ok";
    });
  }

  changePolicy(change: PolicyChange): Promise<PolicyChangeResult> {
    const db = this.#db;
    return db.transaction(async (tx): Promise<PolicyChangeResult> => {
      const { functionName: fn, qualifier: q, sid } = change;
      const fnRow = await fns.selectFunction(db, fn, tx, true);
      const isVersion = /^[0-9]+$/.test(q);
      const target =
        q === ""
          ? fnRow
          : isVersion
            ? await versions.selectVersion(db, fn, Number(q), tx)
            : await aliases.selectAlias(db, fn, q, tx);
      if (!fnRow || !target) return "not-found";
      if (change.expectedRevisionId !== undefined && target["revision_id"] !== change.expectedRevisionId) {
        return "conflict";
      }
      const key = { functionName: fn, qualifier: q, sid };
      if (change.statement === undefined) {
        if (!(await policies.deleteStatement(db, tx, key))) return "no-statement";
      } else if (!(await policies.insertStatement(db, tx, key, change.statement))) {
        return "exists";
      }
      if (q === "") await fns.updateRevision(db, tx, fn, change.newRevisionId);
      else if (!isVersion)
        await aliases.updateAliasRevision(db, tx, { functionName: fn, name: q, revisionId: change.newRevisionId });
      return "ok";
    });
  }

  listPolicyStatements(functionName: string, qualifier: string): Promise<PolicyStatementRecord[]> {
    return policies.selectStatements(this.#db, functionName, qualifier);
  }

  putEventInvokeConfig(record: EventInvokeConfigRecord): Promise<void> {
    return eic.upsertEventInvokeConfig(this.#db, record);
  }

  async getEventInvokeConfig(functionName: string, qualifier: string): Promise<EventInvokeConfigRecord | undefined> {
    const row = await eic.selectEventInvokeConfig(this.#db, functionName, qualifier);
    return row && toEventInvokeConfig(row);
  }

  async listEventInvokeConfigs(functionName: string): Promise<EventInvokeConfigRecord[]> {
    return (await eic.selectEventInvokeConfigs(this.#db, functionName)).map(toEventInvokeConfig);
  }

  deleteEventInvokeConfig(functionName: string, qualifier: string): Promise<boolean> {
    return eic.deleteEventInvokeConfig(this.#db, functionName, qualifier);
  }

  enqueueEvent(event: NewAsyncEvent): Promise<void> {
    return this.#enqueues.run(event);
  }

  async claimEvents(options: ClaimOptions): Promise<AsyncEventRecord[]> {
    const rows = await claimDue(this.#db, ASYNC_EVENTS, options);
    return rows
      .map(toAsyncEvent)
      .sort((a, b) => a.nextRunAt - b.nextRunAt || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1));
  }

  completeEvent(id: string, owner: string, at: number): Promise<boolean> {
    return this.#completions.run({ id, owner, at });
  }

  rescheduleEvent(id: string, owner: string, retry: EventRetry): Promise<boolean> {
    return reschedule(this.#db, ASYNC_EVENTS, { id, owner, ...retry });
  }

  failEvent(id: string, owner: string, failure: { at: number; lastError: string }): Promise<boolean> {
    return finish(this.#db, ASYNC_EVENTS, { id, owner, state: "failed", ...failure });
  }

  renewEventClaims(owner: string, until: number): Promise<number> {
    return renewClaims(this.#db, ASYNC_EVENTS, owner, until);
  }

  releaseEventClaims(): Promise<number> {
    return releaseAll(this.#db, ASYNC_EVENTS);
  }

  nextEventDueAt(): Promise<number | undefined> {
    return nextDue(this.#db, ASYNC_EVENTS);
  }

  async getEvent(id: string): Promise<AsyncEventRecord | undefined> {
    const row = await events.selectEvent(this.#db, id);
    return row && toAsyncEvent(row);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
