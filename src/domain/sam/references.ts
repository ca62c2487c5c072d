import { intrinsicName, isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * The references SAM lets templates make to what it generates: `Fn.Alias`, `Fn.Version`,
 * `Fn.DestinationQueue`, `Fn.DestinationTopic`, `Api.Stage`, `Api.Deployment`, and layers under
 * their hashed ids — in Ref, Fn::GetAtt, Fn::Sub and DependsOn.
 */
export type ReferenceMap = ReadonlyMap<string, string>;

/** Rewrites every reference in `value` (resources, outputs) through `map`. */
export function rewriteReferences(value: TemplateValue, map: ReferenceMap): TemplateValue {
  if (map.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, map));
  if (!isObject(value)) return value;
  const name = intrinsicName(value);
  if (name === "Ref" && typeof value.Ref === "string") return { Ref: map.get(value.Ref) ?? value.Ref };
  if (name === "Fn::GetAtt") return { "Fn::GetAtt": rewriteGetAtt(value["Fn::GetAtt"] as TemplateValue, map) };
  if (name === "Fn::Sub") return { "Fn::Sub": rewriteSub(value["Fn::Sub"] as TemplateValue, map) };
  const out: TemplateObject = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === "DependsOn" ? rewriteDependsOn(v, map) : rewriteReferences(v, map);
  }
  return out;
}

function rewriteDependsOn(value: TemplateValue, map: ReferenceMap): TemplateValue {
  if (typeof value === "string") return map.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? (map.get(v) ?? v) : v));
  return value;
}

function rewriteGetAtt(arg: TemplateValue, map: ReferenceMap): TemplateValue {
  const parts = typeof arg === "string" ? [arg.slice(0, arg.indexOf(".")), arg.slice(arg.indexOf(".") + 1)] : arg;
  if (!Array.isArray(parts) || typeof parts[0] !== "string") return arg;
  const [resource, attribute] = parts as [string, TemplateValue];
  if (map.has(resource)) return [map.get(resource) as string, attribute];
  if (typeof attribute === "string") {
    const dot = attribute.indexOf(".");
    const head = dot > 0 ? `${resource}.${attribute.slice(0, dot)}` : undefined;
    if (head && map.has(head)) return [map.get(head) as string, attribute.slice(dot + 1)];
  }
  return parts;
}

function rewriteSub(arg: TemplateValue, map: ReferenceMap): TemplateValue {
  const rewrite = (text: string) =>
    text.replace(/\$\{([^!}][^}]*)\}/g, (whole, inner: string) => {
      const name = inner.trim();
      if (map.has(name)) return `\${${map.get(name)}}`;
      const parts = name.split(".");
      for (let n = parts.length - 1; n >= 1; n--) {
        const head = parts.slice(0, n).join(".");
        if (map.has(head)) return `\${${[map.get(head), ...parts.slice(n)].join(".")}}`;
      }
      return whole;
    });
  if (typeof arg === "string") return rewrite(arg);
  if (Array.isArray(arg) && typeof arg[0] === "string")
    return [rewrite(arg[0]), rewriteReferences(arg[1] as TemplateValue, map)];
  return arg;
}
