/** The command grammar of Logs Insights: commands separated by `|`, each with its own arguments. */
import { AGGREGATE_NAMES } from "./aggregates.js";
import type { Command, Expr, Named, Query, SortKey } from "./ast.js";
import { QuerySyntaxError, unexpected } from "./errors.js";
import { TokenCursor } from "./expr-parser.js";
import type { Token } from "./lexer.js";

/** Most results a query may ask for (`limit`), as AWS. */
export const MAX_LIMIT = 10_000;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A glob of `parse`: each `*` captures (lazily, the last one greedily), the rest is literal. */
function globRegex(glob: string): { re: RegExp; captures: number } {
  const parts = glob.split("*");
  const body = parts.map(escapeRegex).reduce((acc, p, i) => `${acc}${i === parts.length - 1 ? "(.*)" : "(.*?)"}${p}`);
  return { re: new RegExp(body, "s"), captures: parts.length - 1 };
}

class QueryParser extends TokenCursor {
  query(): Query {
    const commands: Command[] = [];
    if (this.peek().kind === "eof") throw unexpected(this.src, "", 0, 0);
    do commands.push(this.command());
    while (this.accept("|"));
    if (this.peek().kind !== "eof") throw this.fail();
    return { commands };
  }

  private command(): Command {
    const t = this.next();
    const name = t.kind === "name" ? t.text.toLowerCase() : "";
    switch (name) {
      case "fields":
      case "display":
        return { k: name, items: this.namedList((e) => e) };
      case "filter":
        return { k: "filter", expr: this.expression() };
      case "parse":
        return this.parse();
      case "stats":
        return this.stats();
      case "sort":
        return { k: "sort", keys: this.sortKeys() };
      case "limit":
        return { k: "limit", n: this.limit() };
      case "dedup": {
        const fields: Expr[] = [];
        do fields.push({ k: "field", name: this.fieldName() });
        while (this.accept(","));
        return { k: "dedup", fields };
      }
      default:
        throw this.fail(t);
    }
  }

  private named(check: (e: Expr, t: Token) => Expr): Named {
    const first = this.peek();
    const expr = check(this.expression(), first);
    const end = (this.tokens[this.pos - 1] as Token).end;
    const name = this.accept("as")
      ? this.fieldName()
      : expr.k === "field"
        ? expr.name
        : this.src.slice(first.start, end);
    return { expr, name };
  }

  private namedList(check: (e: Expr, t: Token) => Expr): Named[] {
    const items: Named[] = [];
    do items.push(this.named(check));
    while (this.accept(","));
    return items;
  }

  private parse(): Command {
    let source: Expr = { k: "field", name: "@message" };
    if (this.peek().kind === "name") source = { k: "field", name: this.fieldName() };
    const t = this.next();
    if (t.kind === "regex") {
      const re = this.regex(t);
      const names = [...t.text.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] as string);
      if (names.length === 0)
        throw new QuerySyntaxError("parse: the regular expression names no capture group (?<name>…)", t.start, t.end);
      return { k: "parse", source, re, names };
    }
    if (t.kind !== "string") throw this.fail(t);
    const { re, captures } = globRegex(t.text);
    this.expect("as");
    const names: string[] = [];
    do names.push(this.fieldName());
    while (this.accept(","));
    if (names.length !== captures) {
      throw new QuerySyntaxError(
        `parse: the pattern has ${captures} wildcard(s) but ${names.length} field name(s) follow 'as'`,
        t.start,
        (this.tokens[this.pos - 1] as Token).end,
      );
    }
    return { k: "parse", source, re, names };
  }

  private stats(): Command {
    const aggs = this.namedList((e, t) => {
      if (e.k !== "call" || !AGGREGATE_NAMES.has(e.fn)) throw this.fail(t);
      if ((e.fn === "pct" || e.fn === "percentile") && (e.args.length !== 2 || e.args[1]?.k !== "lit"))
        throw this.fail(t);
      return e;
    });
    const by = this.accept("by") ? this.namedList((e) => e) : [];
    return { k: "stats", aggs, by };
  }

  private sortKeys(): SortKey[] {
    const keys: SortKey[] = [];
    do {
      const expr = this.expression();
      const desc = this.accept("desc");
      if (!desc) this.accept("asc");
      keys.push({ expr, desc });
    } while (this.accept(","));
    return keys;
  }

  private limit(): number {
    const t = this.next();
    const n = Number(t.text);
    if (t.kind !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw this.fail(t);
    return n;
  }
}

/** Parses a query; a QuerySyntaxError says where it is wrong. */
export function parseQuery(src: string): Query {
  return new QueryParser(src).query();
}
