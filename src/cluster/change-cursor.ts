/**
 * Which numbered changes a node has handled. Numbers come in commit order with possible gaps: a
 * number taken by a write that is still committing (it will come) or that was rolled back (it never
 * will). `floor` is the highest number below which everything is handled; a gap at the floor that
 * stays open longer than `gapMs` is taken for a rollback and passed over.
 */
export class ChangeCursor {
  #floor: number;
  readonly #seen = new Set<number>();
  readonly #gapMs: number;
  #gapSince: number | undefined;

  constructor(start: number, gapMs: number) {
    this.#floor = start;
    this.#gapMs = gapMs;
  }

  /** Everything numbered up to this is handled. */
  get floor(): number {
    return this.#floor;
  }

  /** Marks `seq` handled; false when it was handled already. */
  take(seq: number): boolean {
    if (seq <= this.#floor || this.#seen.has(seq)) return false;
    this.#seen.add(seq);
    return true;
  }

  /** Starts over from `seq` (after a full reload): everything up to it counts as handled. */
  reset(seq: number): void {
    this.#floor = seq;
    this.#gapSince = undefined;
    for (const s of this.#seen) if (s <= seq) this.#seen.delete(s);
    this.#advance();
  }

  /** Moves the floor over handled numbers, passing over a gap that has stayed open `gapMs`. */
  settle(now: number): void {
    this.#advance();
    if (this.#seen.size === 0) {
      this.#gapSince = undefined;
      return;
    }
    this.#gapSince ??= now;
    if (now - this.#gapSince < this.#gapMs) return;
    this.#floor = Math.min(...this.#seen) - 1;
    this.#gapSince = undefined;
    this.#advance();
  }

  #advance(): void {
    while (this.#seen.delete(this.#floor + 1)) this.#floor++;
  }
}
