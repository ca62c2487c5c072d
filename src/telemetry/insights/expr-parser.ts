/** Recursive descent over Logs Insights expressions: or < and < not < comparison < + - < * / % < ^ < unary. */
import type { Expr } from "./ast.js";
import { unexpected } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";
import { FUNCTION_NAMES } from "./functions.js";
import { AGGREGATE_NAMES } from "./aggregates.js";

const COMPARISONS = new Set(["=", "!=", "<", "<=", ">", ">=", "=~"]);
const DURATION_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: 2_592_000_000,
  q: 7_776_000_000,
  y: 31_536_000_000,
};

/** A cursor over a query's tokens, with the expression grammar; the command parser extends it. */
export class TokenCursor {
  protected readonly tokens: Token[];
  protected pos = 0;
  constructor(protected readonly src: string) {
    this.tokens = tokenize(src);
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }
  protected next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }
  /** True (and consumed) when the next token is the keyword or operator `text`. */
  protected accept(text: string): boolean {
    const t = this.peek();
    const hit = t.kind === "op" ? t.text === text : t.kind === "name" && t.text.toLowerCase() === text;
    if (hit) this.pos++;
    return hit;
  }
  protected expect(text: string): void {
    if (!this.accept(text)) throw this.fail();
  }
  protected fail(t: Token = this.peek()): Error {
    return unexpected(this.src, t.kind === "string" ? this.src.slice(t.start, t.end) : t.text, t.start, t.end);
  }
  protected fieldName(): string {
    const t = this.next();
    if (t.kind !== "name") throw this.fail(t);
    return t.text;
  }

  expression(): Expr {
    let left = this.conjunction();
    while (this.accept("or")) left = { k: "binary", op: "or", left, right: this.conjunction() };
    return left;
  }
  private conjunction(): Expr {
    let left = this.negation();
    while (this.accept("and")) left = { k: "binary", op: "and", left, right: this.negation() };
    return left;
  }
  private negation(): Expr {
    return this.accept("not") ? { k: "not", e: this.negation() } : this.comparison();
  }
  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === "op" && COMPARISONS.has(t.text)) {
      this.pos++;
      const right = this.additive();
      return t.text === "=~" ? { k: "like", e: left, pattern: right } : { k: "binary", op: t.text, left, right };
    }
    const negated = t.kind === "name" && t.text.toLowerCase() === "not" && /^(like|in)$/i.test(this.peek(1).text);
    if (negated) this.pos++;
    let e: Expr | undefined;
    if (this.accept("like")) e = { k: "like", e: left, pattern: this.additive() };
    else if (this.accept("in")) e = { k: "in", e: left, list: this.list() };
    if (!e) return left;
    return negated ? { k: "not", e } : e;
  }
  private list(): Expr[] {
    this.expect("[");
    const items: Expr[] = [];
    if (!this.accept("]")) {
      do items.push(this.additive());
      while (this.accept(","));
      this.expect("]");
    }
    return items;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    for (let t = this.peek(); t.kind === "op" && (t.text === "+" || t.text === "-"); t = this.peek()) {
      this.pos++;
      left = { k: "binary", op: t.text, left, right: this.multiplicative() };
    }
    return left;
  }
  private multiplicative(): Expr {
    let left = this.power();
    for (let t = this.peek(); t.kind === "op" && /^[*/%]$/.test(t.text); t = this.peek()) {
      this.pos++;
      left = { k: "binary", op: t.text, left, right: this.power() };
    }
    return left;
  }
  private power(): Expr {
    const left = this.unary();
    return this.accept("^") ? { k: "binary", op: "^", left, right: this.power() } : left;
  }
  private unary(): Expr {
    return this.accept("-") ? { k: "neg", e: this.unary() } : this.primary();
  }
  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case "number":
        return { k: "lit", value: Number(t.text) };
      case "string":
        return { k: "lit", value: t.text };
      case "regex":
        return { k: "regex", re: this.regex(t) };
      case "duration": {
        const m = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(t.text) as RegExpExecArray;
        return { k: "duration", ms: Number(m[1]) * (DURATION_MS[m[2] as string] ?? 1), text: t.text };
      }
      case "name":
        return this.peek().text === "(" && this.peek().kind === "op" ? this.call(t) : { k: "field", name: t.text };
      case "op":
      case "eof":
        if (t.kind === "op" && t.text === "(") {
          const e = this.expression();
          this.expect(")");
          return e;
        }
        throw this.fail(t);
    }
  }
  protected regex(t: Token): RegExp {
    try {
      return new RegExp(t.text, (t.flags ?? "").replace(/[^imsu]/g, ""));
    } catch {
      throw this.fail(t);
    }
  }
  private call(name: Token): Expr {
    const fn = name.text.toLowerCase();
    if (!FUNCTION_NAMES.has(fn) && !AGGREGATE_NAMES.has(fn)) throw this.fail(name);
    this.expect("(");
    if (this.accept("*")) {
      this.expect(")");
      return { k: "call", fn, args: [], star: true };
    }
    const args: Expr[] = [];
    if (!this.accept(")")) {
      do args.push(this.expression());
      while (this.accept(","));
      this.expect(")");
    }
    return { k: "call", fn, args };
  }
}
