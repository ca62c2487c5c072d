import type { ResolveContext, Resolved } from "./context.js";
import { isObject, templateError } from "./values.js";
import type { TemplateValue } from "./values.js";

type Path = (string | number)[];

/** The resolvers Fn::Sub delegates to (passed in to keep the modules acyclic). */
export interface SubHelpers {
  resolveArg(value: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue;
  resolveRef(arg: TemplateValue, ctx: ResolveContext, path: Path): Resolved;
  resolveGetAtt(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue;
}

const VARIABLE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z0-9_.:]+$/;

/** One piece of a Fn::Sub string: literal text or a variable. */
type Piece = { text: string } | { variable: string };

/** Splits a Fn::Sub string into literal text and `${…}` variables; `${!X}` is the literal `${X}`. */
export function subPieces(template: string, path: Path = []): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    const inner = m[1] as string;
    if (m.index > last) pieces.push({ text: template.slice(last, m.index) });
    last = m.index + m[0].length;
    if (inner.startsWith("!")) {
      pieces.push({ text: `\${${inner.slice(1)}}` });
      continue;
    }
    const name = inner.trim();
    if (!NAME.test(name)) {
      throw templateError(
        "Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons",
        { path },
      );
    }
    pieces.push({ variable: name });
  }
  if (last < template.length) pieces.push({ text: template.slice(last) });
  return pieces;
}

/** The variables a Fn::Sub string refers to (without those given in its variable map). */
export function subReferences(arg: TemplateValue): string[] {
  const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
  if (typeof template !== "string") return [];
  const own = isObject(vars) ? vars : {};
  return subPieces(template)
    .flatMap((p) => ("variable" in p ? [p.variable] : []))
    .filter((v) => !(v in own));
}

/** Fn::Sub in both forms; kept (its variable map resolved) while a variable needs a deployed resource. */
export function resolveSub(arg: TemplateValue, ctx: ResolveContext, path: Path, h: SubHelpers): TemplateValue {
  const message =
    "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string";
  const [template, rawVars] = Array.isArray(arg) ? arg : [arg, {}];
  if (typeof template !== "string" || !isObject(rawVars) || (Array.isArray(arg) && arg.length !== 2)) {
    throw templateError(message, { path });
  }
  const vars = Object.fromEntries(Object.entries(rawVars).map(([k, v]) => [k, h.resolveArg(v, ctx, [...path, 1, k])]));
  let unresolved = false;
  const parts = subPieces(template, path).map((piece) => {
    if ("text" in piece) return piece.text;
    const value = variableValue(piece.variable, vars, ctx, path, h);
    if (value === undefined) {
      unresolved = true;
      return "";
    }
    return value;
  });
  if (unresolved) return Object.keys(vars).length ? { "Fn::Sub": [template, vars] } : { "Fn::Sub": template };
  return parts.join("");
}

function variableValue(
  name: string,
  vars: Record<string, TemplateValue>,
  ctx: ResolveContext,
  path: Path,
  h: SubHelpers,
): string | undefined {
  if (name in vars) return scalar(vars[name] as TemplateValue, path);
  const dot = name.indexOf(".");
  const isAttribute = dot > 0 && !name.startsWith("AWS::") && !ctx.parameters.has(name);
  const value = isAttribute
    ? h.resolveGetAtt([name.slice(0, dot), name.slice(dot + 1)], ctx, path)
    : h.resolveRef(name, ctx, path);
  if (typeof value === "symbol") return "";
  return scalar(value, path);
}

function scalar(value: TemplateValue, path: Path): string | undefined {
  if (value === null) return "";
  if (Array.isArray(value)) {
    if (value.some((v) => isObject(v))) return undefined;
    throw templateError("Template error: variable in Fn::Sub resolves to a list, which Fn::Sub cannot substitute", {
      path,
    });
  }
  if (isObject(value)) return undefined;
  return String(value);
}
