import type { NodeIpcInstance } from "./node-ipc-instance.js";

const REFILL_DELAY_MS = 25;

/**
 * Pre-started, code-less Node.js runtime processes, one small stock per shape in use (the Node.js
 * binary, the V8 heap limit and, in the sandbox, the size of /tmp, all fixed at start), so
 * that a cold start only loads user code. Refills one process at a time in the background so that
 * spawning (which blocks the event loop for a moment) never starves warm traffic.
 */
export class SparePool {
  readonly #stock = new Map<string, NodeIpcInstance[]>();
  readonly #spawn: (shape: string) => Promise<NodeIpcInstance>;
  readonly #perHeap: number;
  #refilling = false;
  #closed = false;
  readonly #wanted = new Set<string>();

  constructor(spawn: (shape: string) => Promise<NodeIpcInstance>, perHeap: number) {
    this.#spawn = spawn;
    this.#perHeap = perHeap;
  }

  /** Keeps spares of `shape` from now on and starts filling. */
  want(shape: string): void {
    if (this.#perHeap <= 0 || this.#closed) return;
    this.#wanted.add(shape);
    this.#scheduleRefill();
  }

  /** Takes a live spare of `shape`, or undefined when none is ready. */
  take(shape: string): NodeIpcInstance | undefined {
    this.want(shape);
    const stock = this.#stock.get(shape);
    while (stock?.length) {
      const spare = stock.pop();
      if (spare?.alive) {
        this.#scheduleRefill();
        return spare;
      }
    }
    return undefined;
  }

  /** How many spares are ready now. */
  get size(): number {
    let n = 0;
    for (const s of this.#stock.values()) n += s.length;
    return n;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#stock.values()].flat();
    this.#stock.clear();
    await Promise.all(all.map((s) => s.stop()));
  }

  #missing(): string | undefined {
    for (const heap of this.#wanted) {
      const stock = this.#stock.get(heap) ?? [];
      if (stock.filter((s) => s.alive).length < this.#perHeap) return heap;
    }
    return undefined;
  }

  #scheduleRefill(): void {
    if (this.#refilling || this.#closed) return;
    this.#refilling = true;
    // Spawning forks this process, which stalls its event loop for a moment: let the cold start
    // that just took a spare finish first.
    setTimeout(() => void this.#refill(), REFILL_DELAY_MS).unref();
  }

  async #refill(): Promise<void> {
    try {
      for (let heap = this.#missing(); heap !== undefined && !this.#closed; heap = this.#missing()) {
        const spare = await this.#spawn(heap);
        if (this.#closed) {
          await spare.stop();
          return;
        }
        const stock = this.#stock.get(heap) ?? [];
        stock.push(spare);
        this.#stock.set(heap, stock);
      }
    } catch {
      // A spare that fails to start is not fatal: cold starts spawn directly.
    } finally {
      this.#refilling = false;
    }
  }
}
