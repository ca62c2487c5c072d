import { Worker } from "node:worker_threads";

/** What a store posts to its write thread: a unit of work, the close, or (tests) a crash. */
export type WriteRequest<W> =
  | { readonly seq: number; readonly work: W }
  | { readonly seq: number; readonly close: true }
  /** Ends the thread as a crash would, before it reads anything posted after (tests). */
  | { readonly seq: number; readonly exit: true };

/** What the thread answers: the request's sequence number, and the work's result or error message. */
export interface WriteReply {
  readonly seq: number;
  readonly result?: number;
  readonly error?: string;
}

interface Pending<W> {
  readonly request: WriteRequest<W>;
  readonly resolve: (result: number) => void;
  readonly reject: (error: Error) => void;
}

/** How a write thread is started. */
export interface WriteThreadOptions<W> {
  /** The thread's module (one that calls `serveWrites`), found beside the module that starts it. */
  readonly module: URL;
  /** The store's database file (already migrated). */
  readonly path: string;
  /** What the thread is called in a crash report ("log append thread"). */
  readonly name: string;
  /** Runs work on the store's own connection: what the thread had not answered when it died, and all after. */
  readonly fallback: (work: W) => number;
  /** Hears of the thread dying (its unanswered work runs through `fallback`, not lost). */
  readonly onCrash: (error: Error) => void;
}

/**
 * The client of a SQLite store's write thread (its own connection to the store's WAL file): work is
 * posted in order and each promise settles when the thread has committed it (or failed it). If the
 * thread dies, what it had not answered runs on the store's connection instead, and so does
 * everything after: nothing posted is lost.
 */
export class WriteThread<W> {
  readonly #o: WriteThreadOptions<W>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending<W>>();
  #seq = 0;
  #dead = false;
  readonly #exited: Promise<void>;

  constructor(o: WriteThreadOptions<W>) {
    this.#o = o;
    this.#worker = new Worker(o.module, { workerData: { path: o.path }, execArgv: threadExecArgv(process.execArgv) });
    this.#worker.on("message", this.#onReply);
    this.#worker.on("error", (e: unknown) => this.#die(e instanceof Error ? e : new Error(String(e))));
    this.#exited = new Promise((resolve) =>
      this.#worker.once("exit", (code) => {
        this.#die(new Error(`the ${o.name} exited (code ${code})`));
        resolve();
      }),
    );
    // The thread keeps the process alive only while work is in flight.
    this.#worker.unref();
  }

  /** Runs `work` on the thread; resolves to its result once committed. */
  run(work: W): Promise<number> {
    if (this.#dead) return new Promise((resolve) => resolve(this.#o.fallback(work)));
    return this.#post({ seq: ++this.#seq, work });
  }

  /** Waits for everything posted, closes the thread's connection and ends it. */
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

  #post(request: WriteRequest<W>): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(request.seq, { request, resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  readonly #onReply = (reply: WriteReply): void => {
    const p = this.#pending.get(reply.seq);
    if (!p) return;
    this.#pending.delete(reply.seq);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.error === undefined) p.resolve(reply.result ?? 0);
    else p.reject(new Error(reply.error));
  };

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    const unanswered = [...this.#pending.values()];
    this.#pending.clear();
    const closing = unanswered.length === 1 && "close" in (unanswered[0] as Pending<W>).request;
    if (!closing) this.#o.onCrash(error);
    for (const p of unanswered) {
      const r = p.request;
      try {
        p.resolve("work" in r ? this.#o.fallback(r.work) : 0);
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
