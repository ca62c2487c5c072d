import { isObject, textOf } from "./values.js";
import type { TemplateObject } from "./values.js";

/** Node.js runtimes AWS no longer runs, and the one haneul runs their functions on. */
const RETIRED_NODE = /^nodejs(4\.3|6\.10|8\.10|10\.x|12\.x|14\.x|16\.x)?$/;
export const RETIRED_NODE_REPLACEMENT = "nodejs20.x";

/** Maps retired Node.js runtimes of AWS::Lambda::Function resources to a supported one; returns a warning per function. */
export function mapRetiredRuntimes(template: TemplateObject): string[] {
  const warnings: string[] = [];
  const resources = isObject(template.Resources) ? template.Resources : {};
  for (const [id, r] of Object.entries(resources)) {
    if (!isObject(r) || r.Type !== "AWS::Lambda::Function" || !isObject(r.Properties)) continue;
    const runtime = r.Properties.Runtime;
    if (typeof runtime !== "string" || !RETIRED_NODE.test(runtime)) continue;
    r.Properties.Runtime = RETIRED_NODE_REPLACEMENT;
    warnings.push(
      `${id}: runtime ${textOf(runtime)} is retired; haneul runs the function on ${RETIRED_NODE_REPLACEMENT}`,
    );
  }
  return warnings;
}
