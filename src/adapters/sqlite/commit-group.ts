import type { Database } from "better-sqlite3";

interface PendingWrite {
  readonly write: () => unknown;
  /** One statement: SQLite undoes a failing statement by itself, so it needs no savepoint. */
  readonly single: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Outcome {
  readonly ok: boolean;
  readonly value: unknown;
}

/**
 * Commits the writes that arrive together (in the same turn of the event loop, e.g. the requests
 * read in one poll) in one SQLite transaction instead of one each: the commit, not the statements,
 * is most of a small write's cost. Each write runs in a savepoint of its own, so one that fails is
 * rolled back alone and fails only its caller. A caller is answered only after the transaction
 * holding its write has committed: grouping never acknowledges a write early. A write of a single
 * statement (`runStatement`) skips the savepoint: SQLite rolls a failing statement back alone.
 */
export class CommitGroup {
  #pending: PendingWrite[] = [];
  #scheduled = false;
  // Made once: better-sqlite3 builds new wrapper functions for each db.transaction() call.
  readonly #commit: (batch: readonly PendingWrite[], outcomes: Outcome[]) => void;
  readonly #savepoint: (write: () => unknown) => unknown;

  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    this.#commit = db.transaction((batch: readonly PendingWrite[], outcomes: Outcome[]) => {
      for (const p of batch) outcomes.push(p.single ? this.#statement(p.write) : this.#inSavepoint(p.write));
    });
    this.#savepoint = db.transaction((write: () => unknown) => write());
  }

  /** Runs `write` (synchronous statements) in the next group commit; resolves once committed. */
  run<T>(write: () => T): Promise<T> {
    return this.#enqueue(write, false);
  }

  /**
   * Like `run`, for a write that is exactly one SQL statement: it runs without a savepoint of its
   * own (two statements fewer), since SQLite rolls back a failing statement's changes by itself.
   */
  runStatement<T>(write: () => T): Promise<T> {
    return this.#enqueue(write, true);
  }

  #enqueue<T>(write: () => T, single: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ write, single, resolve: resolve as (value: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commits the writes waiting now (also called before the database closes). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const outcomes: Outcome[] = [];
    try {
      this.#commit(batch, outcomes);
    } catch (commitError) {
      for (const p of batch) p.reject(commitError);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.value);
    });
  }

  #statement(write: () => unknown): Outcome {
    try {
      return { ok: true, value: write() };
    } catch (error) {
      // An error that ended the whole transaction (SQLite rolled it back) fails the whole group.
      if (!this.#db.inTransaction) throw error;
      return { ok: false, value: error };
    }
  }

  #inSavepoint(write: () => unknown): Outcome {
    try {
      // Nested in the group's transaction, better-sqlite3 runs this as a savepoint.
      return { ok: true, value: this.#savepoint(write) };
    } catch (error) {
      return { ok: false, value: error };
    }
  }
}
