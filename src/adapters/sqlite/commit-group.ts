import type { Database } from "better-sqlite3";

interface PendingWrite {
  readonly write: () => unknown;
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
 * holding its write has committed: grouping never acknowledges a write early.
 */
export class CommitGroup {
  #pending: PendingWrite[] = [];
  #scheduled = false;
  // Made once: better-sqlite3 builds new wrapper functions for each db.transaction() call.
  readonly #commit: (batch: readonly PendingWrite[], outcomes: Outcome[]) => void;
  readonly #savepoint: (write: () => unknown) => unknown;

  constructor(db: Database) {
    this.#commit = db.transaction((batch: readonly PendingWrite[], outcomes: Outcome[]) => {
      for (const p of batch) outcomes.push(this.#inSavepoint(p.write));
    });
    this.#savepoint = db.transaction((write: () => unknown) => write());
  }

  /** Runs `write` (synchronous statements) in the next group commit; resolves once committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ write, resolve: resolve as (value: unknown) => void, reject });
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

  #inSavepoint(write: () => unknown): Outcome {
    try {
      // Nested in the group's transaction, better-sqlite3 runs this as a savepoint.
      return { ok: true, value: this.#savepoint(write) };
    } catch (error) {
      return { ok: false, value: error };
    }
  }
}
