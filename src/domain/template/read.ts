import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node, Tags } from "yaml";
import { templateError } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * Reading a template: YAML (with CloudFormation's short-form tags) or JSON, into plain JSON with
 * the long forms (`!Ref X` → `{"Ref": "X"}`, `!GetAtt R.A` → `{"Fn::GetAtt": ["R", "A"]}`), and a
 * map from each path of the document to its line so later errors can name where they are.
 */

/** A template as read from its file. */
export interface TemplateSource {
  readonly file: string;
  readonly body: TemplateObject;
  /** The line (1-based) of the value at `path`, or of its nearest ancestor that has one. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

const SHORT_FORMS: Record<string, string> = {
  Ref: "Ref",
  Condition: "Condition",
  ...Object.fromEntries(
    [
      "Sub",
      "GetAtt",
      "If",
      "Select",
      "Split",
      "Join",
      "FindInMap",
      "Base64",
      "ImportValue",
      "GetAZs",
      "Equals",
      "And",
      "Or",
      "Not",
      "Cidr",
      "Transform",
      "Length",
      "ToJsonString",
    ].map((n) => [n, `Fn::${n}`]),
  ),
};

/** Each short-form tag accepted on scalars, sequences and maps; the conversion happens afterwards. */
const CUSTOM_TAGS: Tags = Object.keys(SHORT_FORMS).flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: "seq" as const, resolve: (value: unknown) => value },
  { tag: `!${name}`, collection: "map" as const, resolve: (value: unknown) => value },
]);

/** Parses a template's text; a syntax error names the file and line. */
export function readTemplate(text: string, file: string): TemplateSource {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) return readJson(text, file);
  return readYaml(text, file);
}

function readYaml(text: string, file: string): TemplateSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { customTags: CUSTOM_TAGS, lineCounter, prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
    throw templateError(
      `Template format error: YAML not well-formed. (line ${line}, column ${error.linePos?.[0].col ?? 1}): ${firstLine(error.message)}`,
      { file, line },
    );
  }
  const lines = new Map<string, number>();
  const body = toValue(doc.contents, [], { lines, lineCounter, file });
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw templateError("Template format error: not a valid template: the document must be a map", { file, line: 1 });
  }
  return source(file, body, lines);
}

function readJson(text: string, file: string): TemplateSource {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorPosition(text, e);
    throw templateError(`Template format error: JSON not well-formed. (line ${at.line}, column ${at.col})`, {
      file,
      line: at.line,
    });
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw templateError("Template format error: not a valid template: the document must be an object", {
      file,
      line: 1,
    });
  }
  // Lines for JSON come from reading it as YAML too (JSON is YAML), when that reading succeeds:
  // only once a line is asked for (an error to report), as that reading costs several times
  // JSON.parse and most templates (every change set's body, sent as JSON) never need it.
  let lines: Map<string, number> | undefined;
  return source(file, body as TemplateObject, () => (lines ??= jsonLines(text, file)));
}

function jsonLines(text: string, file: string): Map<string, number> {
  const lines = new Map<string, number>();
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    if (doc.errors.length === 0) toValue(doc.contents, [], { lines, lineCounter, file });
  } catch {
    // positions stay unknown
  }
  return lines;
}

/** Where JSON.parse stopped: from its message when it gives a position, else from a YAML reading of the text. */
function jsonErrorPosition(text: string, error: unknown): { line: number; col: number } {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1])).split("\n");
    return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
  }
  // Node 20 quotes the text around the token instead: `Unexpected token '}', ..."  "Q": }"... is not valid JSON`.
  // V8 quotes up to 10 characters either side of the token; "..." marks a cut.
  const quoted = /Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  const snippet = quoted?.[3] ?? "";
  const at = quoted ? text.indexOf(snippet) : -1;
  if (quoted && at >= 0) {
    const offset = at + (quoted[2] ? 10 : snippet.slice(0, 11).lastIndexOf(quoted[1] as string));
    const before = text.slice(0, offset).split("\n");
    return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
  }
  return { line: 1, col: 1 };
}

function source(
  file: string,
  body: TemplateObject,
  lines: Map<string, number> | (() => Map<string, number>),
): TemplateSource {
  return {
    file,
    body,
    lineOf(path) {
      const known = typeof lines === "function" ? lines() : lines;
      for (let n = path.length; n >= 0; n--) {
        const line = known.get(path.slice(0, n).join("\u0000"));
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

interface WalkContext {
  readonly lines: Map<string, number>;
  readonly lineCounter: LineCounter;
  readonly file: string;
}

function toValue(node: Node | null | undefined, path: (string | number)[], ctx: WalkContext): TemplateValue {
  if (node === null || node === undefined) return null;
  if (node.range) ctx.lines.set(path.join("\u0000"), ctx.lineCounter.linePos(node.range[0]).line);
  if (isAlias(node))
    throw templateError("Template format error: YAML aliases are not supported", where(node, path, ctx));
  const plain = plainValue(node, path, ctx);
  const tag = node.tag;
  if (!tag?.startsWith("!")) return plain;
  const name = SHORT_FORMS[tag.slice(1)];
  if (!name) throw templateError(`Template format error: unknown tag ${tag}`, where(node, path, ctx));
  return { [name]: shortFormArgument(name, plain, node, path, ctx) };
}

function plainValue(node: Node, path: (string | number)[], ctx: WalkContext): TemplateValue {
  if (isScalar(node)) return scalarValue(node.value);
  if (isSeq(node)) return node.items.map((item, i) => toValue(item as Node, [...path, i], ctx));
  if (isMap(node)) {
    const out: TemplateObject = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = toValue(pair.value as Node | null, [...path, key], ctx);
      // A member's line is its key's line (where an editor shows `Key:`).
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) ctx.lines.set([...path, key].join("\u0000"), ctx.lineCounter.linePos(keyRange[0]).line);
    }
    return out;
  }
  return null;
}

function scalarValue(value: unknown): TemplateValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

/** `!GetAtt R.Attr` is the one short form whose scalar differs from its long form's argument. */
function shortFormArgument(
  name: string,
  value: TemplateValue,
  node: Node,
  path: (string | number)[],
  ctx: WalkContext,
): TemplateValue {
  if (name !== "Fn::GetAtt" || typeof value !== "string") return value;
  const dot = value.indexOf(".");
  if (dot <= 0) {
    throw templateError(
      `Template error: every Fn::GetAtt object requires two non-empty parameters`,
      where(node, path, ctx),
    );
  }
  return [value.slice(0, dot), value.slice(dot + 1)];
}

function where(node: Node, path: (string | number)[], ctx: WalkContext) {
  const line = node.range ? ctx.lineCounter.linePos(node.range[0]).line : undefined;
  return { file: ctx.file, line, path };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
