import type { NodeIpcInstance } from "./node-ipc-instance.js";

const REFILL_DELAY_MS = 25;
/** Reserved spares start this many at a time: a burst of cold starts expected soon (`haneul dev`'s first deploy). */
const RESERVE_PARALLEL = 3;

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
  /** Spares being spawned now, per shape. */
  readonly #spawning = new Map<string, number>();
  #closed = false;
  #taken = 0;
  readonly #wanted = new Set<string>();
  /** Spares asked for once beyond the stock, per shape, until taken. */
  readonly #reserved = new Map<string, number>();
  /** Cold starts waiting for a reserved spare being started, per shape. */
  readonly #waiters = new Map<string, ((spare: NodeIpcInstance | undefined) => void)[]>();

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

  /**
   * Starts `count` spares of `shape` now, several at a time, beyond the stock: instances about to
   * be started (a template's functions being deployed). Each one taken is not replaced.
   */
  reserve(shape: string, count: number): void {
    if (this.#perHeap <= 0 || this.#closed || count <= 0) return;
    this.#wanted.add(shape);
    this.#reserved.set(shape, (this.#reserved.get(shape) ?? 0) + count);
    for (let i = 0; i < Math.min(count, RESERVE_PARALLEL); i++) void this.#fillReserved(shape);
  }

  /** Takes a live spare of `shape`, or undefined when none is ready. */
  take(shape: string): NodeIpcInstance | undefined {
    this.want(shape);
    const stock = this.#stock.get(shape);
    while (stock?.length) {
      const spare = stock.pop();
      if (spare?.alive) {
        this.#taken++;
        const reserved = this.#reserved.get(shape) ?? 0;
        if (reserved > 0) this.#reserved.set(shape, reserved - 1);
        else this.#scheduleRefill();
        return spare;
      }
    }
    return undefined;
  }

  /**
   * A spare of `shape` ready now or, while reserved ones of it are still starting, the next of
   * them that is ready (a cold start that waits for it rather than starting one more process);
   * undefined when none is coming.
   */
  takeOrWait(shape: string): NodeIpcInstance | undefined | Promise<NodeIpcInstance | undefined> {
    const ready = this.take(shape);
    if (ready || (this.#reserved.get(shape) ?? 0) === 0) return ready;
    const waiting = this.#waiters.get(shape) ?? [];
    if ((this.#spawning.get(shape) ?? 0) <= waiting.length) return undefined;
    this.#waiters.set(shape, waiting);
    return new Promise((resolve) => waiting.push(resolve));
  }

  /** How many spares cold starts have taken so far. */
  get taken(): number {
    return this.#taken;
  }

  /** How many spares are ready now. */
  get size(): number {
    let n = 0;
    for (const s of this.#stock.values()) n += s.length;
    return n;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#waiters.values()) for (const resolve of waiting.splice(0)) resolve(undefined);
    const all = [...this.#stock.values()].flat();
    this.#stock.clear();
    await Promise.all(all.map((s) => s.stop()));
  }

  /** A shape with fewer spares ready or coming than it should have. */
  #missing(): string | undefined {
    for (const shape of this.#wanted) if (this.#short(shape)) return shape;
    return undefined;
  }

  #short(shape: string): boolean {
    const alive = (this.#stock.get(shape) ?? []).filter((s) => s.alive).length;
    const coming = this.#spawning.get(shape) ?? 0;
    return alive + coming < this.#perHeap + (this.#reserved.get(shape) ?? 0);
  }

  /** One of the parallel fillers of a reservation: spawns until the shape's stock is complete. */
  async #fillReserved(shape: string): Promise<void> {
    try {
      while (!this.#closed && this.#short(shape)) await this.#spawnInto(shape);
    } catch {
      // As for a refill: cold starts spawn directly.
    }
  }

  async #spawnInto(shape: string): Promise<void> {
    this.#spawning.set(shape, (this.#spawning.get(shape) ?? 0) + 1);
    let spare: NodeIpcInstance | undefined;
    try {
      spare = await this.#spawn(shape);
    } finally {
      this.#spawning.set(shape, (this.#spawning.get(shape) ?? 1) - 1);
      // Waiters beyond the spares still coming (and this one, if it started) start their own.
      const waiting = this.#waiters.get(shape) ?? [];
      const coming = (this.#spawning.get(shape) ?? 0) + (spare ? 1 : 0);
      while (waiting.length > coming) waiting.pop()?.(undefined);
    }
    if (this.#closed) {
      await spare.stop();
      return;
    }
    const waiter = this.#waiters.get(shape)?.shift();
    if (waiter && !spare.alive) return waiter(undefined);
    if (waiter) {
      const reserved = this.#reserved.get(shape) ?? 0;
      if (reserved > 0) this.#reserved.set(shape, reserved - 1);
      return waiter(spare);
    }
    const stock = this.#stock.get(shape) ?? [];
    stock.push(spare);
    this.#stock.set(shape, stock);
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
      for (let shape = this.#missing(); shape !== undefined && !this.#closed; shape = this.#missing()) {
        await this.#spawnInto(shape);
      }
    } catch {
      // A spare that fails to start is not fatal: cold starts spawn directly.
    } finally {
      this.#refilling = false;
    }
  }
}
