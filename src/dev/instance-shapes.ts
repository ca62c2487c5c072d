import type { InstanceShape } from "../domain/function-spec.js";
import { LIMITS } from "../domain/function-spec.js";
import { isObject } from "../domain/template/values.js";
import type { TemplateObject, TemplateValue } from "../domain/template/values.js";

const FUNCTION_TYPES = new Set(["AWS::Serverless::Function", "AWS::Lambda::Function"]);

function literalNumber(v: TemplateValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  return typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * The process shape of each function of a template, read before it is deployed (what `haneul dev`
 * starts processes ahead for): the literal Runtime, MemorySize and EphemeralStorage of each
 * function, a SAM function's Globals filling in what it leaves out. A function whose runtime is
 * not a literal, or that has layers (its process starts with them), is left out: it starts
 * cold as before.
 */
export function instanceShapes(template: TemplateObject): InstanceShape[] {
  const globals = isObject(template.Globals) && isObject(template.Globals.Function) ? template.Globals.Function : {};
  const resources = isObject(template.Resources) ? template.Resources : {};
  const shapes: InstanceShape[] = [];
  for (const resource of Object.values(resources)) {
    if (!isObject(resource) || typeof resource.Type !== "string" || !FUNCTION_TYPES.has(resource.Type)) continue;
    const own = isObject(resource.Properties) ? resource.Properties : {};
    const props = resource.Type === "AWS::Serverless::Function" ? { ...globals, ...own } : own;
    if (typeof props.Runtime !== "string" || props.Layers !== undefined) continue;
    const storage = isObject(props.EphemeralStorage) ? literalNumber(props.EphemeralStorage.Size) : undefined;
    shapes.push({
      runtime: props.Runtime,
      memoryMb: literalNumber(props.MemorySize) ?? LIMITS.defaultMemoryMb,
      ...(storage !== undefined && { ephemeralStorageMb: storage }),
    });
  }
  return shapes;
}
