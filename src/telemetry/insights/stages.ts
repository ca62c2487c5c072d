/**
 * The commands as streaming stages: each takes rows one at a time and hands them on. `push`
 * answers false once nothing more is wanted (a limit reached), which stops the scan. `stats` and
 * `sort` hold rows until the scan ends (stats one aggregate state per group; sort at most the
 * rows the results can show when nothing after it drops rows).
 */
import type { Expr, Named, SortKey } from "./ast.js";
import { newAggregator, type Aggregator } from "./aggregates.js";
import { evaluate, MapRow, type Row } from "./evaluate.js";
import { compareValues, show, toNumber, truthy, type Value } from "./values.js";

export interface Stage {
  push(row: Row): boolean;
  end(): void;
}

export class FilterStage implements Stage {
  constructor(
    private readonly expr: Expr,
    private readonly next: Stage,
  ) {}
  push(row: Row): boolean {
    return truthy(evaluate(row, this.expr)) ? this.next.push(row) : true;
  }
  end(): void {
    this.next.end();
  }
}

export class FieldsStage implements Stage {
  private readonly computed: readonly Named[];
  constructor(
    items: readonly Named[],
    private readonly next: Stage,
  ) {
    this.computed = items.filter((i) => !(i.expr.k === "field" && i.expr.name === i.name));
  }
  push(row: Row): boolean {
    // Evaluate all first: `fields a + 1 as a, a as b` reads the a the row came with.
    const values = this.computed.map((i) => evaluate(row, i.expr));
    this.computed.forEach((i, n) => row.put(i.name, values[n]));
    return this.next.push(row);
  }
  end(): void {
    this.next.end();
  }
}

export class ParseStage implements Stage {
  constructor(
    private readonly p: { source: Expr; re: RegExp; names: readonly string[]; named: boolean },
    private readonly next: Stage,
  ) {}
  push(row: Row): boolean {
    const s = show(evaluate(row, this.p.source));
    const m = s === undefined ? null : this.p.re.exec(s);
    // A record the pattern does not match keeps its fields absent, as AWS.
    if (m) this.p.names.forEach((name, i) => row.put(name, this.p.named ? m.groups?.[name] : m[i + 1]));
    return this.next.push(row);
  }
  end(): void {
    this.next.end();
  }
}

export class DedupStage implements Stage {
  private readonly seen = new Set<string>();
  constructor(
    private readonly fields: readonly Expr[],
    private readonly next: Stage,
  ) {}
  push(row: Row): boolean {
    const values = this.fields.map((f) => evaluate(row, f));
    if (values.some((v) => v === undefined)) return this.next.push(row);
    const key = JSON.stringify(values.map(show));
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    return this.next.push(row);
  }
  end(): void {
    this.next.end();
  }
}

export class LimitStage implements Stage {
  private left: number;
  constructor(
    n: number,
    private readonly next: Stage,
  ) {
    this.left = n;
  }
  push(row: Row): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return this.next.push(row) && this.left > 0;
  }
  end(): void {
    this.next.end();
  }
}

export class CountStage implements Stage {
  count = 0;
  constructor(private readonly next: Stage) {}
  push(row: Row): boolean {
    this.count++;
    return this.next.push(row);
  }
  end(): void {
    this.next.end();
  }
}

/** A group key part: cheap for instants (bin), distinct across types. */
const keyOf = (v: Value): string =>
  v instanceof Date ? `t${v.getTime()}` : v === undefined ? "u" : `${typeof v}${String(v)}`;

interface Group {
  readonly keys: Value[];
  readonly aggs: Aggregator[];
}

export class StatsStage implements Stage {
  private readonly groups = new Map<string, Group>();
  constructor(
    private readonly s: { aggs: readonly Named[]; by: readonly Named[] },
    private readonly next: Stage,
  ) {}
  push(row: Row): boolean {
    const keys = this.s.by.map((b) => evaluate(row, b.expr));
    const key = keys.length === 0 ? "" : keys.map(keyOf).join("\u0001");
    let g = this.groups.get(key);
    if (!g) {
      g = {
        keys,
        aggs: this.s.aggs.map((a) =>
          newAggregator((a.expr as { fn: string }).fn, !!(a.expr as { star?: boolean }).star),
        ),
      };
      this.groups.set(key, g);
    }
    const at = toNumber(row.get("@timestamp"));
    this.s.aggs.forEach((a, i) => {
      const call = a.expr as Extract<Expr, { k: "call" }>;
      g.aggs[i]?.add(
        call.args.map((x) => evaluate(row, x)),
        at,
      );
    });
    return true;
  }
  end(): void {
    const groups = [...this.groups.values()].sort((a, b) => {
      for (let i = 0; i < a.keys.length; i++) {
        const c = compareValues(a.keys[i], b.keys[i]);
        if (c !== 0) return c;
      }
      return 0;
    });
    for (const g of groups) {
      const row = new MapRow();
      this.s.by.forEach((b, i) => row.put(b.name, g.keys[i]));
      this.s.aggs.forEach((a, i) => row.put(a.name, g.aggs[i]?.result()));
      if (!this.next.push(row)) break;
    }
    this.next.end();
  }
}

export class SortStage implements Stage {
  private rows: { row: Row; keys: Value[] }[] = [];
  constructor(
    private readonly keys: readonly SortKey[],
    private readonly keep: number | undefined,
    private readonly next: Stage,
  ) {}
  private readonly order = (a: { keys: Value[] }, b: { keys: Value[] }): number => {
    for (let i = 0; i < this.keys.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      // Rows without the field come last either way.
      if (x === undefined || y === undefined) {
        if (x !== y) return x === undefined ? 1 : -1;
        continue;
      }
      const c = compareValues(x, y);
      if (c !== 0) return (this.keys[i] as SortKey).desc ? -c : c;
    }
    return 0;
  };
  push(row: Row): boolean {
    this.rows.push({ row, keys: this.keys.map((k) => evaluate(row, k.expr)) });
    // Bounded: past twice what can be shown, keep only the first `keep` in order.
    if (this.keep !== undefined && this.rows.length >= 2 * this.keep + 1024)
      this.rows = this.rows.sort(this.order).slice(0, this.keep);
    return true;
  }
  end(): void {
    for (const r of this.rows.sort(this.order)) if (!this.next.push(r.row)) break;
    this.rows = [];
    this.next.end();
  }
}
