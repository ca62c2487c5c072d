import { Worker } from "node:worker_threads";
import { threadExecArgv } from "./log-append-worker.js";
import type { MetricWrite } from "./metric-write.js";
import type { MetricWriteReply, MetricWriteRequest } from "./metric-write-thread.js";

interface Pending {
  readonly request: MetricWriteRequest;
  readonly resolve: (rows: number) => void;
  readonly reject: (error: Error) => void;
}

/** How the write thread is started. */
export interface MetricWriteWorkerOptions {
  /** The store's database file (already migrated). */
  readonly path: string;
  /** Runs a write on the store's own connection: what the thread had not answered when it died, and every later one. */
  readonly fallback: (w: MetricWrite) => number;
  /** Hears of the thread dying (its unanswered writes run through `fallback`, not lost). */
  readonly onCrash: (error: Error) => void;
}

/**
 * The client of a metric store's write thread: writes are posted in order and each promise settles
 * when the thread has committed it (or failed it). If the thread dies, what it had not answered
 * runs on the store's connection instead, and so does everything after.
 */
export class MetricWriteWorker {
  readonly #o: MetricWriteWorkerOptions;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  #dead = false;
  readonly #exited: Promise<void>;

  constructor(o: MetricWriteWorkerOptions) {
    this.#o = o;
    this.#worker = new Worker(new URL("./metric-write-thread.js", import.meta.url), {
      workerData: { path: o.path },
      execArgv: threadExecArgv(process.execArgv),
    });
    this.#worker.on("message", this.#onReply);
    this.#worker.on("error", (e: unknown) => this.#die(e instanceof Error ? e : new Error(String(e))));
    this.#exited = new Promise((resolve) =>
      this.#worker.once("exit", (code) => {
        this.#die(new Error(`the metric write thread exited (code ${code})`));
        resolve();
      }),
    );
    // The thread keeps the process alive only while a write is in flight.
    this.#worker.unref();
  }

  /** Runs `w` on the thread; resolves to its result once committed. */
  write(w: MetricWrite): Promise<number> {
    if (this.#dead) return new Promise((resolve) => resolve(this.#o.fallback(w)));
    return this.#post({ seq: ++this.#seq, write: w });
  }

  /** Waits for every posted write, closes the thread's connection and ends it. */
  async close(): Promise<void> {
    if (!this.#dead) {
      await this.#post({ seq: ++this.#seq, close: true }).catch(() => undefined);
      await this.#exited;
    }
  }

  /** Ends the thread as a crash would, once it has answered what was posted before (not `Worker.terminate()`). */
  crash(): Promise<void> {
    if (this.#dead) return Promise.resolve();
    void this.#post({ seq: ++this.#seq, exit: true });
    return this.#exited;
  }

  #post(request: MetricWriteRequest): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(request.seq, { request, resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  readonly #onReply = (reply: MetricWriteReply): void => {
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
    const closing = unanswered.length === 1 && "close" in (unanswered[0] as Pending).request;
    if (!closing) this.#o.onCrash(error);
    for (const p of unanswered) {
      const r = p.request;
      try {
        p.resolve("write" in r ? this.#o.fallback(r.write) : 0);
      } catch (e) {
        p.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}
