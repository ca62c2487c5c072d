/**
 * The store-side pre-filter of a query: from its leading `filter` commands, a conservative
 * narrowing the store applies while reading (stream names, texts the message must hold). Every
 * event that can pass those commands passes the narrowing; the commands still run on what the
 * store returns, so results are exact whatever is pushed down.
 */
import type { MessageTerm } from "../../ports/log-store.js";
import type { Command, Expr, Query } from "./ast.js";
import { requiredLiterals } from "./regex-literals.js";
import { show, toNumber } from "./values.js";

/** What a read may be narrowed to. */
export interface Prefilter {
  readonly streamNames?: readonly string[] | undefined;
  readonly messageTerms?: readonly (readonly MessageTerm[])[] | undefined;
}

interface Narrowing {
  /** Every clause, one of its terms. */
  readonly clauses: (readonly MessageTerm[])[];
  /** Only these streams; undefined: any. */
  readonly streams?: ReadonlySet<string> | undefined;
}

const ANY: Narrowing = { clauses: [] };
/** A field found only in a JSON message (which holds a `{`), or one of these Lambda platform lines. */
const PLATFORM_FIELDS = new Set(["@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration"]);
const SYSTEM_FIELDS = new Set(["@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr"]);
const JSON_MESSAGE: MessageTerm = { text: "{" };
const TYPE_PREFIXES: ReadonlyMap<string, string> = new Map([
  ["REPORT", "REPORT "],
  ["START", "START R"],
  ["END", "END R"],
]);

/** A string literal that compares as a string (a numeric one compares as a number: " 5.0" = "5"). */
function textOf(e: Expr): string | undefined {
  return e.k === "lit" && typeof e.value === "string" && Number.isNaN(toNumber(e.value)) ? e.value : undefined;
}

function and(a: Narrowing, b: Narrowing): Narrowing {
  const streams = a.streams && b.streams ? new Set([...a.streams].filter((s) => b.streams?.has(s))) : undefined;
  return { clauses: [...a.clauses, ...b.clauses], streams: streams ?? a.streams ?? b.streams };
}

/** (S ∧ A1 ∧ A2…) ∨ (T ∧ B1 ∧ B2…) implies S ∪ T and A1 ∨ B1: one clause of each side, joined. */
function or(a: Narrowing, b: Narrowing): Narrowing {
  const [x] = a.clauses;
  const [y] = b.clauses;
  const streams = a.streams && b.streams ? new Set([...a.streams, ...b.streams]) : undefined;
  return { clauses: x && y ? [[...x, ...y]] : [], streams };
}

function likeOf(e: Extract<Expr, { k: "like" }>): Narrowing {
  if (e.e.k !== "field" || e.e.name !== "@message") return ANY;
  if (e.pattern.k === "lit") {
    const text = show(e.pattern.value) ?? "";
    return text ? { clauses: [[{ text }]] } : ANY;
  }
  if (e.pattern.k !== "regex") return ANY;
  const { texts, ignoreCase } = requiredLiterals(e.pattern.re);
  return { clauses: texts.map((text) => [ignoreCase ? { text, ignoreCase } : { text }]) };
}

/** `field op literal`, in either order. */
function comparisonOf(op: string, field: string, value: Expr): Narrowing {
  if (op === "!=") return ANY;
  const text = op === "=" ? textOf(value) : undefined;
  if (SYSTEM_FIELDS.has(field)) {
    if (field === "@logStream" && text !== undefined) return { clauses: [], streams: new Set([text]) };
    return field === "@message" && text ? { clauses: [[{ text }]] } : ANY;
  }
  // @type and @requestId come from a platform line or a JSON member; any other field from JSON only
  // (a comparison with an absent field is false).
  if (field === "@type") {
    const prefix = text === undefined ? undefined : TYPE_PREFIXES.get(text);
    return prefix ? { clauses: [[{ text: prefix, atStart: true }, JSON_MESSAGE]] } : ANY;
  }
  if (field === "@requestId") return text ? { clauses: [[{ text }, JSON_MESSAGE]] } : ANY;
  return PLATFORM_FIELDS.has(field) ? ANY : { clauses: [[JSON_MESSAGE]] };
}

function narrowingOf(e: Expr): Narrowing {
  if (e.k === "like") return likeOf(e);
  if (e.k === "in") {
    const names = e.list.map(textOf);
    if (e.e.k !== "field" || e.e.name !== "@logStream" || names.some((n) => n === undefined)) return ANY;
    return { clauses: [], streams: new Set(names as string[]) };
  }
  if (e.k !== "binary") return ANY;
  if (e.op === "and") return and(narrowingOf(e.left), narrowingOf(e.right));
  if (e.op === "or") return or(narrowingOf(e.left), narrowingOf(e.right));
  if (!["=", "!=", "<", "<=", ">", ">="].includes(e.op)) return ANY;
  if (e.left.k === "field" && e.right.k === "lit") return comparisonOf(e.op, e.left.name, e.right);
  if (e.right.k === "field" && e.left.k === "lit") return comparisonOf(e.op, e.right.name, e.left);
  return ANY;
}

/** True for a command that changes no field a later filter reads (`fields` of plain fields, `display`). */
function passesFieldsThrough(c: Command): boolean {
  if (c.k === "display") return true;
  return c.k === "fields" && c.items.every((i) => i.expr.k === "field" && i.expr.name === i.name);
}

/** The narrowing of `query`'s leading filter commands; empty when it has none the store can apply. */
export function prefilterOf(query: Query): Prefilter {
  let narrowing = ANY;
  for (const c of query.commands) {
    if (c.k === "filter") narrowing = and(narrowing, narrowingOf(c.expr));
    else if (!passesFieldsThrough(c)) break;
  }
  const clauses = [...narrowing.clauses];
  // No stream at all (`@logStream in []`, two different streams): an empty clause admits nothing.
  if (narrowing.streams?.size === 0) clauses.push([]);
  return {
    streamNames: narrowing.streams?.size ? [...narrowing.streams] : undefined,
    messageTerms: clauses.length > 0 ? clauses : undefined,
  };
}
