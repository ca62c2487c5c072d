/**
 * The aggregate functions of `stats`, each folding values one at a time in constant memory
 * (pct: PercentileSketch; count_distinct keeps the distinct values it has seen).
 */
import { PercentileSketch } from "./sketch.js";
import { compareValues, toNumber, type Value } from "./values.js";

/** One aggregate's running state: `add` a record's argument values (and its time), then `result`. */
export interface Aggregator {
  add(args: readonly Value[], at: number): void;
  result(): Value;
}

class Numeric implements Aggregator {
  n = 0;
  sum = 0;
  sq = 0;
  min = Infinity;
  max = -Infinity;
  constructor(private readonly pick: (a: Numeric) => Value) {}
  add([v]: readonly Value[]): void {
    const x = toNumber(v);
    if (Number.isNaN(x)) return;
    this.n++;
    this.sum += x;
    this.sq += x * x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }
  result(): Value {
    return this.n === 0 ? undefined : this.pick(this);
  }
}

class Count implements Aggregator {
  n = 0;
  constructor(private readonly all: boolean) {}
  add([v]: readonly Value[]): void {
    if (this.all || v !== undefined) this.n++;
  }
  result(): Value {
    return this.n;
  }
}

class Extreme implements Aggregator {
  private best: Value;
  constructor(private readonly sign: 1 | -1) {}
  add([v]: readonly Value[]): void {
    if (v !== undefined && (this.best === undefined || this.sign * compareValues(v, this.best) > 0)) this.best = v;
  }
  result(): Value {
    return this.best;
  }
}

class AtTime implements Aggregator {
  private at = 0;
  private value: Value;
  constructor(private readonly latest: boolean) {}
  add([v]: readonly Value[], at: number): void {
    if (v === undefined) return;
    if (this.value === undefined || (this.latest ? at >= this.at : at < this.at)) {
      this.value = v;
      this.at = at;
    }
  }
  result(): Value {
    return this.value;
  }
}

class Pct implements Aggregator {
  private readonly sketch = new PercentileSketch();
  private p = 50;
  add([v, p]: readonly Value[]): void {
    this.p = toNumber(p);
    const x = toNumber(v);
    if (!Number.isNaN(x)) this.sketch.add(x);
  }
  result(): Value {
    return this.sketch.quantile(this.p);
  }
}

class Distinct implements Aggregator {
  private readonly seen = new Set<string>();
  add([v]: readonly Value[]): void {
    if (v !== undefined) this.seen.add(v instanceof Date ? String(v.getTime()) : String(v));
  }
  result(): Value {
    return this.seen.size;
  }
}

const FACTORIES: Readonly<Record<string, (star: boolean) => Aggregator>> = {
  count: (star) => new Count(star),
  sum: () => new Numeric((a) => a.sum),
  avg: () => new Numeric((a) => a.sum / a.n),
  stddev: () => new Numeric((a) => Math.sqrt(Math.max(0, a.sq / a.n - (a.sum / a.n) ** 2))),
  min: () => new Extreme(-1),
  max: () => new Extreme(1),
  pct: () => new Pct(),
  percentile: () => new Pct(),
  count_distinct: () => new Distinct(),
  earliest: () => new AtTime(false),
  latest: () => new AtTime(true),
};

/** A new aggregator for the function `name`; `star` for count(*) / count(). */
export function newAggregator(name: string, star: boolean): Aggregator {
  const make = FACTORIES[name] as (star: boolean) => Aggregator;
  return make(star);
}

/** The aggregate functions' names. */
export const AGGREGATE_NAMES: ReadonlySet<string> = new Set(Object.keys(FACTORIES));
