/**
 * The parser of CloudWatch metric math expressions: `m1 / m2 * 100`, `SUM(METRICS())`,
 * `IF(m1 > 10, 1, 0)`, `FILL(m1, 0)`, `FILL(m1, REPEAT)`, arrays `[m1, m2]`, comparisons and
 * AND/OR/NOT. It builds a syntax tree; math-eval.ts evaluates it over time series.
 */

/** A node of an expression's syntax tree. */
export type MathNode =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "ref"; readonly id: string }
  | { readonly kind: "keyword"; readonly name: "REPEAT" | "LINEAR" }
  | { readonly kind: "array"; readonly items: readonly MathNode[] }
  | { readonly kind: "unary"; readonly op: "-" | "NOT"; readonly arg: MathNode }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: MathNode; readonly right: MathNode }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly MathNode[] };

export type BinaryOp = "+" | "-" | "*" | "/" | "^" | ">" | "<" | ">=" | "<=" | "==" | "!=" | "AND" | "OR";

/** A malformed expression; the message says where. */
export class MathSyntaxError extends Error {}

const TOKEN =
  /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|&&|\|\||[-+*/^()<>,[\]!]))/y;

type Token = { kind: "num" | "str" | "name" | "op"; text: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(src);
    if (!m)
      throw new MathSyntaxError(
        `Unexpected character at position ${at + (/^\s*/.exec(src.slice(at))?.[0].length ?? 0) + 1}`,
      );
    const [whole, num, str, name, op] = m;
    const kind = num !== undefined ? "num" : str !== undefined ? "str" : name !== undefined ? "name" : "op";
    out.push({
      kind,
      text: num ?? str ?? name ?? op ?? "",
      at: at + whole.length - (num ?? str ?? name ?? op ?? "").length,
    });
    at += whole.length;
  }
  return out;
}

const COMPARISONS = new Set([">", "<", ">=", "<=", "==", "!="]);

/** Parses an expression; throws MathSyntaxError. */
export function parseMath(src: string): MathNode {
  const tokens = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (text: string): boolean => {
    const t = peek();
    return t !== undefined && (t.kind === "op" || t.kind === "name") && t.text.toUpperCase() === text;
  };
  const expect = (text: string): void => {
    if (!isOp(text)) throw new MathSyntaxError(`Expected "${text}" at ${where()}`);
    i++;
  };
  const where = (): string => {
    const t = peek();
    return t ? `position ${t.at + 1}` : "the end of the expression";
  };

  const or = (): MathNode => {
    let left = and();
    while (isOp("OR") || isOp("||")) {
      i++;
      left = { kind: "binary", op: "OR", left, right: and() };
    }
    return left;
  };
  const and = (): MathNode => {
    let left = not();
    while (isOp("AND") || isOp("&&")) {
      i++;
      left = { kind: "binary", op: "AND", left, right: not() };
    }
    return left;
  };
  const not = (): MathNode => {
    if (isOp("NOT") || isOp("!")) {
      i++;
      return { kind: "unary", op: "NOT", arg: not() };
    }
    return comparison();
  };
  const comparison = (): MathNode => {
    const left = additive();
    const t = peek();
    if (t && t.kind === "op" && COMPARISONS.has(t.text)) {
      i++;
      return { kind: "binary", op: t.text as BinaryOp, left, right: additive() };
    }
    return left;
  };
  const additive = (): MathNode => {
    let left = multiplicative();
    while (isOp("+") || isOp("-")) {
      const op = (tokens[i++] as Token).text as "+" | "-";
      left = { kind: "binary", op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): MathNode => {
    let left = unary();
    while (isOp("*") || isOp("/")) {
      const op = (tokens[i++] as Token).text as "*" | "/";
      left = { kind: "binary", op, left, right: unary() };
    }
    return left;
  };
  const unary = (): MathNode => {
    if (isOp("-")) {
      i++;
      return { kind: "unary", op: "-", arg: unary() };
    }
    const base = primary();
    if (isOp("^")) {
      i++;
      return { kind: "binary", op: "^", left: base, right: unary() };
    }
    return base;
  };
  const list = (close: string): MathNode[] => {
    const items: MathNode[] = [];
    if (isOp(close)) {
      i++;
      return items;
    }
    for (;;) {
      items.push(or());
      if (isOp(",")) i++;
      else break;
    }
    expect(close);
    return items;
  };
  const primary = (): MathNode => {
    const t = peek();
    if (!t) throw new MathSyntaxError("Unexpected end of the expression");
    i++;
    if (t.kind === "num") return { kind: "number", value: Number(t.text) };
    if (t.kind === "str") return { kind: "string", value: t.text.slice(1, -1).replace(/\\(.)/g, "$1") };
    if (t.kind === "op" && t.text === "(") {
      const inner = or();
      expect(")");
      return inner;
    }
    if (t.kind === "op" && t.text === "[") return { kind: "array", items: list("]") };
    if (t.kind === "name") {
      if (isOp("(")) {
        i++;
        return { kind: "call", fn: t.text.toUpperCase(), args: list(")") };
      }
      if (t.text === "REPEAT" || t.text === "LINEAR") return { kind: "keyword", name: t.text };
      return { kind: "ref", id: t.text };
    }
    throw new MathSyntaxError(`Unexpected "${t.text}" at position ${t.at + 1}`);
  };

  const tree = or();
  if (i < tokens.length) throw new MathSyntaxError(`Unexpected "${(tokens[i] as Token).text}" at ${where()}`);
  return tree;
}

/** The metric ids an expression refers to (METRICS() excluded). */
export function referencedIds(node: MathNode): string[] {
  switch (node.kind) {
    case "ref":
      return [node.id];
    case "array":
      return node.items.flatMap(referencedIds);
    case "unary":
      return referencedIds(node.arg);
    case "binary":
      return [...referencedIds(node.left), ...referencedIds(node.right)];
    case "call":
      return node.args.flatMap(referencedIds);
    case "keyword":
    case "number":
    case "string":
      return [];
  }
}
