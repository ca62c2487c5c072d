import type { Database, Transaction } from "better-sqlite3";
import type { RecursiveLoop } from "../../domain/recursion.js";
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
  PolicyChange,
  PolicyChangeResult,
  PolicyStatementRecord,
  NewAsyncEvent,
  PublishResult,
  PublishVersionInput,
  Store,
  TagsResult,
  VersionRecord,
} from "../../ports/store.js";
import { CommitGroup } from "./commit-group.js";
import { closeDatabase, openDatabase, type SqliteDatabaseOptions, settle } from "./database.js";
import {
  aliasParams,
  functionParams,
  toAlias,
  toAsyncEvent,
  toEventInvokeConfig,
  toFunction,
  toVersion,
} from "./rows.js";
import * as aliases from "./sql/aliases.js";
import * as events from "./sql/async-events.js";
import * as eic from "./sql/event-invoke-configs.js";
import * as fns from "./sql/functions.js";
import * as policies from "./sql/policies.js";
import * as versions from "./sql/versions.js";

/** Where the Store keeps its data. */
export type SqliteStoreOptions = SqliteDatabaseOptions;

/** The Store on one SQLite file (WAL) or in memory. Statements are synchronous, so each method is atomic. */
export class SqliteStore implements Store {
  readonly #db: Database;
  /** Event enqueues and completions arriving together share one commit. */
  readonly #group: CommitGroup;
  /** Made once: better-sqlite3 builds new wrapper functions for each db.transaction() call. */
  readonly #claim: Transaction<(options: ClaimOptions) => AsyncEventRecord[]>;

  private constructor(db: Database) {
    this.#db = db;
    this.#group = new CommitGroup(db);
    this.#claim = db.transaction((options: ClaimOptions) => events.claimDueEvents(db, options).map(toAsyncEvent));
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(openDatabase(options));
  }

  insertFunction(record: FunctionRecord): Promise<boolean> {
    return settle(() => fns.insertFunction(this.#db, functionParams(record)));
  }

  getFunction(name: string): Promise<FunctionRecord | undefined> {
    return settle(() => {
      const row = fns.selectFunction(this.#db, name);
      return row && toFunction(row);
    });
  }

  listFunctions(): Promise<FunctionRecord[]> {
    return settle(() => fns.selectFunctions(this.#db).map(toFunction));
  }

  updateFunction(record: FunctionRecord, expectedRevisionId: string): Promise<boolean> {
    return settle(() => fns.updateFunction(this.#db, functionParams(record), expectedRevisionId));
  }

  deleteFunction(name: string): Promise<boolean> {
    return settle(() => fns.deleteFunction(this.#db, name));
  }

  publishVersion(input: PublishVersionInput): Promise<PublishResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): PublishResult => {
          const state = fns.selectPublishState(db, input.functionName);
          if (!state) return { kind: "not-found" };
          if (state.revision_id !== input.expectedRevisionId) return { kind: "conflict" };
          const version: VersionRecord = {
            ...input.version,
            functionName: input.functionName,
            version: state.next_version,
          };
          versions.insertVersion(db, {
            function_name: version.functionName,
            version: version.version,
            config: JSON.stringify(version.config),
            revision_id: version.revisionId,
            config_revision: version.configRevision,
            last_modified: version.lastModified,
            created_at: version.createdAt,
          });
          fns.advanceVersionCounter(db, input.functionName, state.next_version + 1, input.newLatestRevisionId);
          return { kind: "published", version };
        })
        .immediate();
    });
  }

  getVersion(functionName: string, version: number): Promise<VersionRecord | undefined> {
    return settle(() => {
      const row = versions.selectVersion(this.#db, functionName, version);
      return row && toVersion(row);
    });
  }

  listVersions(functionName: string): Promise<VersionRecord[]> {
    return settle(() => versions.selectVersions(this.#db, functionName).map(toVersion));
  }

  deleteVersion(functionName: string, version: number): Promise<DeleteVersionResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): DeleteVersionResult => {
          const referencing = versions.selectAliasesOfVersion(db, functionName, String(version));
          if (referencing.length > 0) return { kind: "referenced", aliases: referencing };
          if (!versions.deleteVersion(db, functionName, version)) return { kind: "not-found" };
          eic.deleteEventInvokeConfig(db, functionName, String(version));
          policies.deleteQualifierStatements(db, functionName, String(version));
          return { kind: "deleted" };
        })
        .immediate();
    });
  }

  insertAlias(record: AliasRecord): Promise<AliasWriteResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): AliasWriteResult => {
          const missing = this.#missingVersion(record);
          if (missing) return missing;
          return aliases.insertAlias(db, aliasParams(record)) ? { kind: "ok" } : { kind: "exists" };
        })
        .immediate();
    });
  }

  getAlias(functionName: string, name: string): Promise<AliasRecord | undefined> {
    return settle(() => {
      const row = aliases.selectAlias(this.#db, functionName, name);
      return row && toAlias(row);
    });
  }

  listAliases(functionName: string): Promise<AliasRecord[]> {
    return settle(() => aliases.selectAliases(this.#db, functionName).map(toAlias));
  }

  updateAlias(record: AliasRecord, expectedRevisionId: string): Promise<AliasWriteResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): AliasWriteResult => {
          const current = aliases.selectAlias(db, record.functionName, record.name);
          if (!current) return { kind: "not-found" };
          const missing = this.#missingVersion(record);
          if (missing) return missing;
          return aliases.updateAlias(db, aliasParams(record), expectedRevisionId)
            ? { kind: "ok" }
            : { kind: "conflict" };
        })
        .immediate();
    });
  }

  deleteAlias(functionName: string, name: string): Promise<boolean> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): boolean => {
          const deleted = aliases.deleteAlias(db, functionName, name);
          if (deleted) {
            eic.deleteEventInvokeConfig(db, functionName, name);
            policies.deleteQualifierStatements(db, functionName, name);
          }
          return deleted;
        })
        .immediate();
    });
  }

  /** An alias may only route to `$LATEST` or to versions that exist (checked inside the write transaction). */
  #missingVersion(record: AliasRecord): AliasWriteResult | undefined {
    if (!fns.selectFunction(this.#db, record.functionName)) return { kind: "not-found" };
    for (const v of [record.functionVersion, record.additionalVersion?.version]) {
      if (v === undefined || v === "$LATEST") continue;
      if (!versions.selectVersion(this.#db, record.functionName, Number(v)))
        return { kind: "missing-version", version: v };
    }
    return undefined;
  }

  setReservedConcurrency(
    functionName: string,
    value: number | undefined,
    maxTotal?: number,
  ): Promise<ConcurrencyResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): ConcurrencyResult => {
          if (!fns.selectFunction(db, functionName)) return "not-found";
          if (
            value !== undefined &&
            maxTotal !== undefined &&
            fns.sumReservedExcept(db, functionName) + value > maxTotal
          ) {
            return "limit";
          }
          fns.updateReservedConcurrency(db, functionName, value ?? null);
          return "ok";
        })
        .immediate();
    });
  }

  setRecursiveLoop(functionName: string, value: RecursiveLoop): Promise<boolean> {
    return settle(() => fns.updateRecursiveLoop(this.#db, functionName, value));
  }

  updateTags(
    functionName: string,
    change: { readonly set: Readonly<Record<string, string>>; readonly remove: readonly string[] },
    max: number,
    newRevisionId: string,
  ): Promise<TagsResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): TagsResult => {
          const row = fns.selectFunction(db, functionName);
          if (!row) return "not-found";
          const tags = { ...toFunction(row).tags, ...change.set };
          for (const key of change.remove) delete tags[key];
          if (Object.keys(tags).length > max) return "limit";
          fns.updateTags(db, functionName, JSON.stringify(tags), newRevisionId);
          return "ok";
        })
        .immediate();
    });
  }

  changePolicy(change: PolicyChange): Promise<PolicyChangeResult> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): PolicyChangeResult => {
          const { functionName: fn, qualifier: q, sid } = change;
          const fnRow = fns.selectFunction(db, fn);
          const isVersion = /^[0-9]+$/.test(q);
          const target =
            q === "" ? fnRow : isVersion ? versions.selectVersion(db, fn, Number(q)) : aliases.selectAlias(db, fn, q);
          if (!fnRow || !target) return "not-found";
          if (change.expectedRevisionId !== undefined && target["revision_id"] !== change.expectedRevisionId) {
            return "conflict";
          }
          if (change.statement === undefined) {
            if (!policies.deleteStatement(db, fn, q, sid)) return "no-statement";
          } else if (!policies.insertStatement(db, fn, q, sid, change.statement)) {
            return "exists";
          }
          if (q === "") fns.updateRevision(db, fn, change.newRevisionId);
          else if (!isVersion) aliases.updateAliasRevision(db, fn, q, change.newRevisionId);
          return "ok";
        })
        .immediate();
    });
  }

  listPolicyStatements(functionName: string, qualifier: string): Promise<PolicyStatementRecord[]> {
    return settle(() => policies.selectStatements(this.#db, functionName, qualifier));
  }

  putEventInvokeConfig(record: EventInvokeConfigRecord): Promise<void> {
    return settle(() => {
      eic.upsertEventInvokeConfig(this.#db, record);
    });
  }

  getEventInvokeConfig(functionName: string, qualifier: string): Promise<EventInvokeConfigRecord | undefined> {
    return settle(() => {
      const row = eic.selectEventInvokeConfig(this.#db, functionName, qualifier);
      return row && toEventInvokeConfig(row);
    });
  }

  listEventInvokeConfigs(functionName: string): Promise<EventInvokeConfigRecord[]> {
    return settle(() => eic.selectEventInvokeConfigs(this.#db, functionName).map(toEventInvokeConfig));
  }

  deleteEventInvokeConfig(functionName: string, qualifier: string): Promise<boolean> {
    return settle(() => eic.deleteEventInvokeConfig(this.#db, functionName, qualifier));
  }

  enqueueEvent(event: NewAsyncEvent): Promise<void> {
    return this.#group.runStatement(() => {
      events.insertEvent(this.#db, event);
    });
  }

  claimEvents(options: ClaimOptions): Promise<AsyncEventRecord[]> {
    return settle(() => this.#claim.immediate(options));
  }

  completeEvent(id: string, owner: string, at: number): Promise<boolean> {
    return this.#group.runStatement(() => events.completeEvent(this.#db, id, owner, at));
  }

  rescheduleEvent(id: string, owner: string, retry: EventRetry): Promise<boolean> {
    return settle(() => events.rescheduleEvent(this.#db, id, owner, retry));
  }

  failEvent(id: string, owner: string, failure: { at: number; lastError: string }): Promise<boolean> {
    return settle(() => events.failEvent(this.#db, id, owner, failure));
  }

  renewEventClaims(owner: string, until: number): Promise<number> {
    return settle(() => events.renewClaims(this.#db, owner, until));
  }

  releaseEventClaims(): Promise<number> {
    return settle(() => events.releaseClaims(this.#db));
  }

  nextEventDueAt(): Promise<number | undefined> {
    return settle(() => events.selectNextDue(this.#db));
  }

  getEvent(id: string): Promise<AsyncEventRecord | undefined> {
    return settle(() => {
      const row = events.selectEvent(this.#db, id);
      return row && toAsyncEvent(row);
    });
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.#db.open) this.#group.flush();
      closeDatabase(this.#db);
    });
  }
}
