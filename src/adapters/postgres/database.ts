import type pg from "pg";
import { describeConnectFailure, describeTarget, rethrow } from "./errors.js";
import { defaultMigrationsDir, migrate, readMigrations } from "./migrate.js";

/** How a node opens its PostgreSQL database. */
export interface PgDatabaseOptions {
  /** `postgres://user:password@host:port/database` (also `?host=/socket/dir`, `?sslmode=`). */
  readonly url: string;
  /** Connections kept by this node (default 10). */
  readonly poolSize?: number | undefined;
  /** How long a query waits for a connection, and a connection for the server (default 5000 ms). */
  readonly connectTimeoutMs?: number | undefined;
  /** Where the numbered migration files are; defaults to the repository's `migrations/postgres`. */
  readonly migrationsDir?: string | undefined;
  /** Time recorded for applied migrations. */
  readonly now?: number | undefined;
  /** Shown in `pg_stat_activity`. */
  readonly applicationName?: string | undefined;
  /** Told when an idle connection breaks (the server restarted); the pool replaces it on next use. */
  readonly onIdleError?: ((error: Error) => void) | undefined;
}

/** A failure to open the database at start; the message names what failed (address, user, database). */
export class DatabaseOpenError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "DatabaseOpenError";
  }
}

/** What statements run on: the pool itself, or one client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, "query">;

/**
 * One node's pool of connections to its PostgreSQL database, migrated at open. Several stores
 * share it: each `retain()`s it and `release()`s it when closed; the last release ends the pool.
 * Errors that mean the database cannot be reached become ERR_STORE_UNAVAILABLE (ServiceException).
 */
export class PgDatabase {
  readonly pool: pg.Pool;
  /** `user@host:port/database`, for messages (never the password). */
  readonly target: string;
  readonly #url: string;
  #users = 0;
  #ended: Promise<void> | undefined;

  private constructor(pool: pg.Pool, url: string) {
    this.pool = pool;
    this.#url = url;
    this.target = describeTarget(url);
  }

  /** Connects (a clear DatabaseOpenError when that fails) and applies the pending migrations. */
  static async open(options: PgDatabaseOptions): Promise<PgDatabase> {
    const timeout = options.connectTimeoutMs ?? 5000;
    // Imported when a node uses PostgreSQL: a SQLite node never loads the driver.
    const { Pool } = (await import("pg")).default;
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: timeout,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: options.applicationName ?? "haneul",
    });
    // An idle connection whose server went away emits 'error' on the pool: without a listener that
    // would end the process. The pool drops the connection; the next query opens a new one.
    pool.on("error", (e) => options.onIdleError?.(e));
    const db = new PgDatabase(pool, options.url);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new DatabaseOpenError(describeConnectFailure(e, options.url), e);
    }
    // A server going away between two statements emits 'error' on the client; the statements fail and say why.
    const ignore = (): void => undefined;
    client.on("error", ignore);
    try {
      const migrations = readMigrations(options.migrationsDir ?? defaultMigrationsDir());
      await migrate(client, migrations, options.now ?? Date.now());
    } catch (e) {
      client.off("error", ignore);
      client.release(true);
      await pool.end().catch(() => undefined);
      throw new DatabaseOpenError(`cannot migrate PostgreSQL database ${db.target}: ${(e as Error).message}`, e);
    }
    client.off("error", ignore);
    client.release();
    return db;
  }

  /** The connection string this database was opened with (for a dedicated LISTEN connection). */
  get url(): string {
    return this.#url;
  }

  /** Runs one statement; resolves to its rows. */
  async rows<R extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    on: Queryable = this.pool,
  ): Promise<R[]> {
    try {
      return (await on.query<R & pg.QueryResultRow>(sql, params as unknown[])).rows;
    } catch (e) {
      rethrow(e);
    }
  }

  /**
   * Runs one statement, prepared once per connection when it has a `name` (the same name must
   * always carry the same text); resolves to its rows as arrays, in column order.
   */
  async arrays<R extends unknown[]>(
    statement: { readonly text: string; readonly name?: string | undefined },
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    try {
      const config = { text: statement.text, name: statement.name, values: params as unknown[], rowMode: "array" };
      return (await this.pool.query<R>(config as pg.QueryArrayConfig)).rows;
    } catch (e) {
      rethrow(e);
    }
  }

  /** Runs one statement; resolves to the number of rows it wrote. */
  async run(sql: string, params: readonly unknown[] = [], on: Queryable = this.pool): Promise<number> {
    try {
      return (await on.query(sql, params as unknown[])).rowCount ?? 0;
    } catch (e) {
      rethrow(e);
    }
  }

  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws. `isolation` defaults to READ COMMITTED; writes that must not race lock rows.
   */
  async transaction<T>(
    work: (q: Queryable) => Promise<T>,
    options: { readonly isolation?: "REPEATABLE READ"; readonly readOnly?: boolean } = {},
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      rethrow(e);
    }
    let broken: Error | undefined;
    // A checked-out connection has no listener of the pool's: a server going away between two
    // statements (no query running) emits 'error' on the client, which would otherwise end the process.
    const onError = (e: Error) => (broken = e);
    client.on("error", onError);
    try {
      const mode = [options.isolation && `ISOLATION LEVEL ${options.isolation}`, options.readOnly && "READ ONLY"]
        .filter(Boolean)
        .join(" ");
      await client.query(mode ? `BEGIN ${mode}` : "BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch((rollbackError: unknown) => {
        broken = rollbackError as Error;
      });
      rethrow(e);
    } finally {
      // A connection that failed to roll back is discarded rather than reused mid-transaction.
      client.off("error", onError);
      client.release(broken);
    }
  }

  /** Counts one more user (a store) of the pool. */
  retain(): void {
    this.#users++;
  }

  /** One user is done; the last one ends the pool. */
  async release(): Promise<void> {
    if (this.#users > 0) this.#users--;
    if (this.#users === 0) await this.end();
  }

  /** Ends the pool now, whoever still uses it. */
  end(): Promise<void> {
    this.#ended ??= this.pool.end().catch(() => undefined);
    return this.#ended;
  }
}
