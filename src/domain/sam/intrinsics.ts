import type { ParameterValue } from "../template/parameters.js";
import { intrinsicName, isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/** `{Ref: id}` */
export function ref(id: string): TemplateObject {
  return { Ref: id };
}

/** `{Fn::GetAtt: [id, attribute]}` */
export function getAtt(id: string, attribute: string): TemplateObject {
  return { "Fn::GetAtt": [id, attribute] };
}

/** `{Fn::Sub: text}` or `{Fn::Sub: [text, vars]}` */
export function sub(text: string, vars?: TemplateObject): TemplateObject {
  return vars ? { "Fn::Sub": [text, vars] } : { "Fn::Sub": text };
}

/** `${Fn.Arn}` for `{Fn::GetAtt: [Fn, Arn]}`, `${X}` for `{Ref: X}` (SAM's make_shorthand). */
export function shorthand(value: TemplateValue): string {
  if (isObject(value) && typeof value.Ref === "string") return `\${${value.Ref}}`;
  const att = isObject(value) ? value["Fn::GetAtt"] : undefined;
  if (Array.isArray(att)) return `\${${att.map((a) => (typeof a === "string" ? a : "")).join(".")}}`;
  throw new Error("shorthand needs a Ref or Fn::GetAtt");
}

/** The logical id a `{Ref: X}` or `{Fn::GetAtt: [X, …]}` names, if any. */
export function logicalIdOf(value: TemplateValue | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === "string") return value.Ref;
  const att = value["Fn::GetAtt"];
  if (Array.isArray(att) && typeof att[0] === "string") return att[0];
  if (typeof att === "string") return att.split(".")[0];
  return undefined;
}

/** True for an intrinsic function object. */
export function isIntrinsic(value: unknown): boolean {
  return intrinsicName(value) !== undefined;
}

/**
 * SAM's resolve_parameter_refs: `{Ref: P}` of a parameter (or pseudo parameter given a value)
 * replaced by its value, `${P}` inside Fn::Sub strings too; everything else kept.
 */
export function resolveParameterRefs(
  value: TemplateValue | undefined,
  parameters: ReadonlyMap<string, ParameterValue>,
): TemplateValue | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => resolveParameterRefs(v, parameters) as TemplateValue);
  if (!isObject(value)) return value;
  if (typeof value.Ref === "string" && Object.keys(value).length === 1) {
    const p = parameters.get(value.Ref);
    return p === undefined ? value : Array.isArray(p) ? [...p] : p;
  }
  if ("Fn::Sub" in value && Object.keys(value).length === 1) {
    const arg = value["Fn::Sub"];
    const replace = (text: string) =>
      text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
        const p = parameters.get(name.trim());
        return typeof p === "string" ? p : whole;
      });
    if (typeof arg === "string") return { "Fn::Sub": replace(arg) };
    if (Array.isArray(arg) && typeof arg[0] === "string")
      return { "Fn::Sub": [replace(arg[0]), resolveParameterRefs(arg[1], parameters) as TemplateValue] };
    return value;
  }
  const out: TemplateObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = resolveParameterRefs(v, parameters) as TemplateValue;
  return out;
}

/** A copy of `o` without undefined members. */
export function compact(o: Record<string, TemplateValue | undefined>): TemplateObject {
  const out: TemplateObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
