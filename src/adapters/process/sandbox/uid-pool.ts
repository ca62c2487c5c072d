/**
 * Host uids for instances, from a configured range: each live instance has its own, so that no
 * two instances (of one function or of two) share an identity on the host. Handed out round-robin
 * so that a uid just released is not reused at once.
 */
export class UidPool {
  readonly #first: number;
  readonly #last: number;
  readonly #used = new Set<number>();
  #next: number;

  constructor(range: { readonly first: number; readonly last: number }) {
    if (range.first < 1 || range.last < range.first)
      throw new Error(`haneul: bad uid range ${range.first}-${range.last}`);
    this.#first = range.first;
    this.#last = range.last;
    this.#next = range.first;
  }

  /** A free uid; throws when all are in use. */
  take(): number {
    const size = this.#last - this.#first + 1;
    for (let i = 0; i < size; i++) {
      const uid = this.#next;
      this.#next = uid === this.#last ? this.#first : uid + 1;
      if (!this.#used.has(uid)) {
        this.#used.add(uid);
        return uid;
      }
    }
    throw new Error(`haneul: all ${size} sandbox uids are in use`);
  }

  release(uid: number): void {
    this.#used.delete(uid);
  }
}
