import { NO_VALUE } from "./context.js";
import type { ResolveContext, Resolved } from "./context.js";
import { cidr } from "./cidr.js";
import { pseudoValue } from "./pseudo.js";
import { resolveSub } from "./sub.js";
import { intrinsicName, isObject, templateError, textOf } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * Intrinsic functions with CloudFormation's semantics. Resolution happens in two phases: without
 * `ctx.deployed` everything known before deploying (parameters, pseudo parameters, conditions,
 * mappings) is resolved and expressions on resources are kept, their arguments resolved as far as
 * they go; with it, Ref and Fn::GetAtt on resources take the deployed values.
 */

type Path = (string | number)[];

/** True when `value` still holds an intrinsic function (something only a deploy can resolve). */
export function isUnresolved(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isUnresolved);
  if (!isObject(value)) return false;
  if (intrinsicName(value)) return true;
  return Object.values(value).some(isUnresolved);
}

/** Resolves every intrinsic in `value`; AWS::NoValue removes object members and list items. */
export function resolveValue(value: TemplateValue, ctx: ResolveContext, path: Path = []): Resolved {
  if (Array.isArray(value)) {
    const out: TemplateValue[] = [];
    value.forEach((item, i) => {
      const r = resolveValue(item, ctx, [...path, i]);
      if (r !== NO_VALUE) out.push(r);
    });
    return out;
  }
  if (!isObject(value)) return value;
  const name = intrinsicName(value);
  if (name && name !== "Condition") return resolveFunction(name, value[name] as TemplateValue, ctx, [...path, name]);
  const out: TemplateObject = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveValue(v, ctx, [...path, k]);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

/** Resolves `value` where a value is required (AWS::NoValue there is an empty string). */
function resolveArg(value: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  const r = resolveValue(value, ctx, path);
  return r === NO_VALUE ? "" : r;
}

function resolveFunction(name: string, arg: TemplateValue, ctx: ResolveContext, path: Path): Resolved {
  switch (name) {
    case "Ref":
      return resolveRef(arg, ctx, path);
    case "Fn::GetAtt":
      return resolveGetAtt(arg, ctx, path);
    case "Fn::Sub":
      return resolveSub(arg, ctx, path, { resolveArg, resolveRef, resolveGetAtt });
    case "Fn::If":
      return resolveIf(arg, ctx, path);
    case "Fn::Join":
      return resolveJoin(arg, ctx, path);
    case "Fn::Select":
      return resolveSelect(arg, ctx, path);
    case "Fn::Split":
      return resolveSplit(arg, ctx, path);
    case "Fn::FindInMap":
      return resolveFindInMap(arg, ctx, path);
    case "Fn::Base64":
      return keepOr(name, resolveArg(arg, ctx, path), (v) => Buffer.from(textOf(v), "utf8").toString("base64"));
    case "Fn::ImportValue":
      return resolveImport(arg, ctx, path);
    case "Fn::GetAZs":
      return keepOr(name, resolveArg(arg, ctx, path), (v) => availabilityZones(ctx, textOf(v) || ctx.pseudo.region));
    case "Fn::Cidr":
      return keepOr(name, resolveArg(arg, ctx, path), (v) => cidr(v, path));
    case "Fn::Equals":
    case "Fn::And":
    case "Fn::Or":
    case "Fn::Not":
      return evaluateCondition({ [name]: arg }, ctx, path);
    default:
      throw templateError(`Template format error: Unrecognized intrinsic function ${name}`, { path });
  }
}

/** `fn` of the resolved argument, or the function kept when its argument is still unresolved. */
function keepOr(name: string, resolved: TemplateValue, fn: (v: TemplateValue) => TemplateValue): TemplateValue {
  return isUnresolved(resolved) ? { [name]: resolved } : fn(resolved);
}

function resolveRef(arg: TemplateValue, ctx: ResolveContext, path: Path): Resolved {
  if (typeof arg !== "string")
    throw templateError("Template error: every Ref object must have a single String value.", { path });
  if (arg === "AWS::NoValue") return NO_VALUE;
  const pseudo = pseudoValue(ctx.pseudo, arg);
  if (pseudo !== undefined) return pseudo;
  const parameter = ctx.parameters.get(arg);
  if (parameter !== undefined) return Array.isArray(parameter) ? [...parameter] : parameter;
  if (ctx.resources.has(arg) && ctx.block !== "Conditions") {
    return ctx.deployed ? ctx.deployed.physicalId(arg) : { Ref: arg };
  }
  if (ctx.block === "Conditions") {
    throw templateError(
      `Template format error: Unresolved dependencies [${arg}]. Cannot reference resources in the Conditions block of the template`,
      { path },
    );
  }
  throw templateError(
    `Template format error: Unresolved resource dependencies [${arg}] in the ${ctx.block} block of the template`,
    { path },
  );
}

/** The [resource, attribute] of a Fn::GetAtt argument (the attribute may itself be a Ref). */
export function getAttTarget(arg: TemplateValue, ctx: ResolveContext, path: Path): [string, string] {
  const parts = typeof arg === "string" ? splitDotted(arg) : arg;
  if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== "string") {
    throw templateError("Template error: every Fn::GetAtt object requires two non-empty parameters", { path });
  }
  const attribute = resolveArg(parts[1] as TemplateValue, ctx, [...path, 1]);
  if (typeof attribute !== "string" || attribute === "") {
    throw templateError("Template error: every Fn::GetAtt object requires two non-empty parameters", { path });
  }
  return [parts[0], attribute];
}

function splitDotted(text: string): TemplateValue {
  const dot = text.indexOf(".");
  return dot > 0 ? [text.slice(0, dot), text.slice(dot + 1)] : [text];
}

function resolveGetAtt(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  const [logicalId, attribute] = getAttTarget(arg, ctx, path);
  const type = ctx.resources.get(logicalId);
  if (type === undefined || ctx.block === "Conditions") {
    throw templateError(`Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`, { path });
  }
  const names = ctx.attributeNames?.(type);
  if (names && !names.includes(attribute)) {
    throw templateError(
      `Template error: resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`,
      { path },
    );
  }
  return ctx.deployed ? ctx.deployed.attribute(logicalId, attribute) : { "Fn::GetAtt": [logicalId, attribute] };
}

function resolveIf(arg: TemplateValue, ctx: ResolveContext, path: Path): Resolved {
  if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string") {
    throw templateError("Template error: Fn::If requires a list argument with three elements", { path });
  }
  const value = conditionValue(arg[0], ctx, path);
  return resolveValue(arg[value ? 1 : 2] as TemplateValue, ctx, [...path, value ? 1 : 2]);
}

function conditionValue(name: string, ctx: ResolveContext, path: Path): boolean {
  const value = ctx.conditions?.get(name);
  if (value === undefined)
    throw templateError(`Template error: unresolved condition dependency ${name} in Fn::If`, { path });
  return value;
}

function resolveJoin(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  const message =
    "Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.";
  if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string") throw templateError(message, { path });
  const list = resolveArg(arg[1] as TemplateValue, ctx, [...path, 1]);
  if (isUnresolved(list)) return { "Fn::Join": [arg[0], list] };
  if (!Array.isArray(list)) throw templateError(message, { path });
  if (list.some((v) => isObject(v) || Array.isArray(v))) throw templateError(message, { path });
  return list.map((v) => textOf(v)).join(arg[0]);
}

function resolveSelect(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  const message = "Template error: Fn::Select requires a list argument with two elements: an integer index and a list";
  if (!Array.isArray(arg) || arg.length !== 2) throw templateError(message, { path });
  const index = resolveArg(arg[0] as TemplateValue, ctx, [...path, 0]);
  const list = resolveArg(arg[1] as TemplateValue, ctx, [...path, 1]);
  if (isUnresolved(index) || isUnresolved(list)) return { "Fn::Select": [index, list] };
  const i = Number(index);
  if (!Number.isInteger(i) || !Array.isArray(list)) throw templateError(message, { path });
  if (i < 0 || i >= list.length)
    throw templateError(`Template error: Fn::Select cannot select nonexistent value at index ${i}`, { path });
  return list[i] as TemplateValue;
}

function resolveSplit(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  const message =
    "Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.";
  if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string" || arg[0] === "")
    throw templateError(message, { path });
  const source = resolveArg(arg[1] as TemplateValue, ctx, [...path, 1]);
  if (isUnresolved(source)) return { "Fn::Split": [arg[0], source] };
  if (typeof source !== "string") throw templateError(message, { path });
  return source.split(arg[0]);
}

function resolveFindInMap(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  if (!Array.isArray(arg) || arg.length !== 3) {
    throw templateError(
      "Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value",
      { path },
    );
  }
  const keys = arg.map((k, i) => resolveArg(k, ctx, [...path, i]));
  if (keys.some(isUnresolved)) return { "Fn::FindInMap": keys };
  const [map, top, second] = keys.map((k) => textOf(k));
  const entry = ctx.mappings[map as string];
  const level = isObject(entry) ? entry[top as string] : undefined;
  const value = isObject(level) ? level[second as string] : undefined;
  if (value === undefined)
    throw templateError(`Template error: Unable to get mapping for ${map}::${top}::${second}`, { path });
  return value;
}

function resolveImport(arg: TemplateValue, ctx: ResolveContext, path: Path): TemplateValue {
  const name = resolveArg(arg, ctx, path);
  if (isUnresolved(name)) return { "Fn::ImportValue": name };
  if (typeof name !== "string")
    throw templateError("Template error: Fn::ImportValue requires a string export name", { path });
  if (!ctx.importValue) return { "Fn::ImportValue": name };
  const value = ctx.importValue(name);
  if (value === undefined) throw templateError(`No export named ${name} found`, { path });
  return value;
}

function availabilityZones(ctx: ResolveContext, region: string): string[] {
  return ctx.availabilityZones?.(region) ?? ["a", "b", "c"].map((z) => `${region}${z}`);
}

/** Evaluates a condition expression (Fn::Equals/And/Or/Not, `{Condition: name}`) to a boolean. */
export function evaluateCondition(expr: TemplateValue, ctx: ResolveContext, path: Path): boolean {
  const name = intrinsicName(expr);
  const arg = name ? ((expr as TemplateObject)[name] as TemplateValue) : undefined;
  switch (name) {
    case "Condition":
      if (typeof arg !== "string") throw templateError("Template error: Condition must name a condition", { path });
      return conditionValue(arg, ctx, path);
    case "Fn::Equals": {
      if (!Array.isArray(arg) || arg.length !== 2) {
        throw templateError("Template error: every Fn::Equals object requires a list of 2 string parameters.", {
          path,
        });
      }
      const [a, b] = arg.map((v, i) => resolveArg(v, ctx, [...path, name, i]));
      if (isUnresolved(a) || isUnresolved(b)) {
        throw templateError("Template error: Fn::Equals cannot compare values that depend on resources", { path });
      }
      return comparable(a as TemplateValue) === comparable(b as TemplateValue);
    }
    case "Fn::And":
    case "Fn::Or": {
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) {
        throw templateError(
          `Template error: every ${name} object requires a list of at least 2 and at most 10 boolean parameters.`,
          { path },
        );
      }
      const values = arg.map((v, i) => evaluateCondition(v, ctx, [...path, name, i]));
      return name === "Fn::And" ? values.every(Boolean) : values.some(Boolean);
    }
    case "Fn::Not":
      if (!Array.isArray(arg) || arg.length !== 1) {
        throw templateError("Template error: every Fn::Not object requires a list of 1 boolean parameter.", { path });
      }
      return !evaluateCondition(arg[0] as TemplateValue, ctx, [...path, name, 0]);
    case undefined:
    default: {
      const resolved = name ? resolveArg(expr, ctx, path) : expr;
      if (resolved === true || resolved === "true") return true;
      if (resolved === false || resolved === "false") return false;
      throw templateError("Template error: a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", {
        path,
      });
    }
  }
}

function comparable(v: TemplateValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
