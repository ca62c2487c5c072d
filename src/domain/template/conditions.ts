import type { ResolveContext } from "./context.js";
import { evaluateCondition } from "./intrinsics.js";
import { intrinsicName, isObject, templateError } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * Evaluates the Conditions block: each condition once, conditions that name others through
 * `{Condition: X}` after them, a cycle refused.
 */
export function evaluateConditions(
  section: TemplateValue | undefined,
  ctx: Omit<ResolveContext, "conditions" | "block">,
): Map<string, boolean> {
  const defs: TemplateObject = isObject(section) ? section : {};
  const values = new Map<string, boolean>();
  const visiting = new Set<string>();
  const evaluate = (name: string): boolean => {
    const known = values.get(name);
    if (known !== undefined) return known;
    if (!(name in defs))
      throw templateError(`Template error: unresolved condition dependency ${name} in Fn::If`, {
        path: ["Conditions"],
      });
    if (visiting.has(name))
      throw templateError(`Template error: circular condition dependency involving ${name}`, {
        path: ["Conditions", name],
      });
    visiting.add(name);
    for (const dep of conditionNames(defs[name] as TemplateValue)) evaluate(dep);
    const value = evaluateCondition(defs[name] as TemplateValue, { ...ctx, conditions: values, block: "Conditions" }, [
      "Conditions",
      name,
    ]);
    visiting.delete(name);
    values.set(name, value);
    return value;
  };
  for (const name of Object.keys(defs)) evaluate(name);
  return values;
}

/** The conditions an expression names through `{Condition: X}`. */
function conditionNames(expr: TemplateValue, out: string[] = []): string[] {
  if (Array.isArray(expr)) {
    for (const e of expr) conditionNames(e, out);
  } else if (isObject(expr)) {
    const name = intrinsicName(expr);
    if (name === "Condition" && typeof expr.Condition === "string") out.push(expr.Condition);
    else for (const v of Object.values(expr)) conditionNames(v, out);
  }
  return out;
}
