import { Worker } from "node:worker_threads";
import type { AppendReply, AppendRequest } from "./log-append-thread.js";
import type { EventColumns, LogAppender } from "./log-append.js";

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** How the append thread is started. */
export interface AppendWorkerOptions {
  /** The store's database file (already migrated). */
  readonly path: string;
  /** Appends on the store's own connection: what the thread had not answered when it died, and every later batch. */
  readonly fallback: LogAppender;
  /** Hears of the thread dying (its unanswered batches are appended through `fallback`, not lost). */
  readonly onCrash: (error: Error) => void;
}

/**
 * The client of a log store's append thread: batches are posted in order and each promise settles
 * when the thread has committed it (or failed it). If the thread dies, what it had not answered is
 * appended on the store's connection instead, and so is everything after: no batch is lost.
 */
export class AppendWorker {
  readonly #o: AppendWorkerOptions;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  #dead = false;
  readonly #exited: Promise<void>;

  constructor(o: AppendWorkerOptions) {
    this.#o = o;
    this.#worker = new Worker(new URL("./log-append-thread.js", import.meta.url), {
      workerData: { path: o.path },
      execArgv: threadExecArgv(process.execArgv),
    });
    this.#worker.on("message", this.#onReply);
    this.#worker.on("error", (e: unknown) => this.#die(e instanceof Error ? e : new Error(String(e))));
    this.#exited = new Promise((resolve) =>
      this.#worker.once("exit", (code) => {
        this.#die(new Error(`the log append thread exited (code ${code})`));
        resolve();
      }),
    );
    // The thread keeps the process alive only while a batch is in flight.
    this.#worker.unref();
  }

  /** Batches posted and not yet answered. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Appends `batch` on the thread; resolves once it is committed. */
  append(batch: EventColumns, ingestionTime: number, create: boolean): Promise<void> {
    if (this.#dead) return new Promise((resolve) => resolve(this.#o.fallback.append(batch, ingestionTime, create)));
    return this.#post({ seq: ++this.#seq, batch, ingestionTime, create });
  }

  /** Makes the thread drop its cached ids (a group or stream was deleted). */
  forget(): Promise<void> {
    this.#o.fallback.forget();
    return this.#dead ? Promise.resolve() : this.#post({ seq: ++this.#seq, forget: true });
  }

  /** Waits for every posted batch, closes the thread's connection and ends it. */
  async close(): Promise<void> {
    if (!this.#dead) {
      await this.#post({ seq: ++this.#seq, close: true }).catch(() => undefined);
      await this.#exited;
    }
  }

  /**
   * Ends the thread as a crash would, once it has answered what was posted before: what is posted
   * after is never read by it and goes to the fallback. (Not `Worker.terminate()`: ending a thread
   * inside a SQLite call can abort the whole process.)
   */
  crash(): Promise<void> {
    if (this.#dead) return Promise.resolve();
    void this.#post({ seq: ++this.#seq, exit: true });
    return this.#exited;
  }

  #post(request: AppendRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(request.seq, { request, resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  readonly #onReply = (reply: AppendReply): void => {
    const p = this.#pending.get(reply.seq);
    if (!p) return;
    this.#pending.delete(reply.seq);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.error === undefined) p.resolve();
    else p.reject(new Error(reply.error));
  };

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    const unanswered = [...this.#pending.values()];
    this.#pending.clear();
    const closing = unanswered.length === 1 && "close" in (unanswered[0] as Pending).request;
    if (!closing) this.#o.onCrash(error);
    for (const p of unanswered) {
      const r = p.request;
      try {
        if ("batch" in r) this.#o.fallback.append(r.batch, r.ingestionTime, r.create);
        p.resolve();
      } catch (e) {
        p.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}

/**
 * The thread's Node.js options: the process's own (inherited) unless it was started with
 * `--input-type` (code given with -e), which a thread that loads a file cannot take. Passing the
 * list only then keeps Node.js from checking options it would refuse for a thread (Node.js 24
 * lists per-process options in execArgv under its test runner).
 */
export function threadExecArgv(argv: readonly string[]): string[] | undefined {
  return argv.some((a) => a.startsWith("--input-type")) ? argv.filter((a) => !a.startsWith("--input-type")) : undefined;
}
