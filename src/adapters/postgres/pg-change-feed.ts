import type pg from "pg";
import type { ChangeFeed, ChangeListener, ChangeRecord, ConfigChange } from "../../ports/cluster.js";
import type { Clock } from "../../shared/clock.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/cluster-changes.js";

/** Options of the change feed's listening connection. */
export interface PgChangeFeedOptions {
  readonly clock: Clock;
  /** First wait before reconnecting a lost listening connection; doubles up to `maxReconnectMs`. */
  readonly reconnectMs?: number | undefined;
  readonly maxReconnectMs?: number | undefined;
}

/**
 * The change log (table cluster_changes) and LISTEN/NOTIFY on a connection of its own, outside the
 * pool. A lost connection is re-established with backoff (on the injected clock) and the listener
 * told, so that it reads what it missed.
 */
export class PgChangeFeed implements ChangeFeed {
  readonly #db: PgDatabase;
  readonly #o: PgChangeFeedOptions;
  #client: pg.Client | undefined;
  #listener: ChangeListener | undefined;
  #closed = false;
  #retryMs: number;
  #cancelRetry: (() => void) | undefined;

  constructor(db: PgDatabase, options: PgChangeFeedOptions) {
    this.#db = db;
    this.#o = options;
    this.#retryMs = options.reconnectMs ?? 100;
  }

  /**
   * The row is committed without waiting for the disk: a change is announced a WAL flush sooner.
   * The change itself (the function's or API's rows) was committed durably before; a log row
   * lost in a database crash costs nothing, as every node reloads all after a reconnection.
   */
  publish(change: ConfigChange, origin: string, at: number): Promise<number> {
    const db = this.#db;
    return db.transaction(async (tx) => {
      await sql.commitWithoutFlush(db, tx);
      return sql.insertChange(db, { change, origin, at }, tx);
    });
  }

  signal(kind: string, key: string): Promise<void> {
    return sql.notifySignal(this.#db, kind, key);
  }

  readSince(seq: number, limit: number): Promise<ChangeRecord[]> {
    return sql.selectChangesSince(this.#db, seq, limit);
  }

  bounds(): Promise<{ oldest: number; latest: number }> {
    return sql.selectChangeBounds(this.#db);
  }

  trim(before: number): Promise<number> {
    return sql.deleteChangesBefore(this.#db, before);
  }

  async listen(listener: ChangeListener): Promise<void> {
    this.#listener = listener;
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const { Client } = (await import("pg")).default;
    const client = new Client({
      connectionString: this.#db.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5000,
      connectionTimeoutMillis: 5000,
      application_name: "haneul-listen",
    });
    let lost = false;
    const onLost = (e: Error) => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#listener?.onDisconnected(e);
      this.#retryLater();
    };
    client.on("error", onLost);
    client.on("end", () => onLost(new Error("the listening connection ended")));
    client.on("notification", (n) => this.#deliver(n.channel, n.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${sql.CHANGES_CHANNEL}`);
      await client.query(`LISTEN ${sql.SIGNALS_CHANNEL}`);
    } catch (e) {
      lost = true;
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = this.#o.reconnectMs ?? 100;
    this.#listener?.onConnected();
  }

  #retryLater(): void {
    if (this.#closed || this.#cancelRetry) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#o.maxReconnectMs ?? 2000);
    this.#cancelRetry = this.#o.clock.setTimer(() => {
      this.#cancelRetry = undefined;
      this.#connect().catch(() => this.#retryLater());
    }, wait);
  }

  #deliver(channel: string, payload: string | undefined): void {
    const listener = this.#listener;
    if (!listener) return;
    if (channel === sql.CHANGES_CHANNEL) {
      const record = sql.parseChange(payload);
      if (record) listener.onChange(record);
      return;
    }
    try {
      const v = JSON.parse(payload ?? "") as { kind?: unknown; key?: unknown };
      if (typeof v.kind === "string" && typeof v.key === "string") listener.onSignal(v.kind, v.key);
    } catch {
      // A malformed signal is dropped: signals may be lost anyway.
    }
  }
}
