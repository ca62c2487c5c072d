/**
 * What a target receives, as EventBridge computes it from the event: the event itself, a constant
 * `Input`, the part `InputPath` selects, or an `InputTransformer`'s template filled with the values
 * its `InputPathsMap` selects (plus the predefined `aws.events.*` variables).
 */
import type { RuleTargetRecord } from "../ports/bus-store.js";
import { parseJsonPath, valueAt } from "./json-path.js";

/** The rule and event a target's input is made for. */
export interface InputContext {
  readonly event: Readonly<Record<string, unknown>>;
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly ingestionTime: string;
}

/** The JSON text the target is invoked with. */
export function targetInput(target: RuleTargetRecord, ctx: InputContext): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) {
    const v = valueAt(ctx.event, parseJsonPath(target.inputPath) ?? []);
    return JSON.stringify(v ?? null);
  }
  if (target.inputTransformer) return fillTemplate(target.inputTransformer.inputTemplate, values(target, ctx));
  return JSON.stringify(ctx.event);
}

function values(target: RuleTargetRecord, ctx: InputContext): Map<string, unknown> {
  const vars = new Map<string, unknown>([
    ["aws.events.rule-arn", ctx.ruleArn],
    ["aws.events.rule-name", ctx.ruleName],
    ["aws.events.event.ingestion-time", ctx.ingestionTime],
    ["aws.events.event", ctx.event],
    ["aws.events.event.json", ctx.event],
  ]);
  for (const [name, path] of Object.entries(target.inputTransformer?.inputPathsMap ?? {})) {
    vars.set(name, valueAt(ctx.event, parseJsonPath(path) ?? []));
  }
  return vars;
}

/**
 * Replaces each `<name>` the map knows. Inside a JSON string a value goes in as string content
 * (a string without its quotes, anything else as its JSON, escaped); outside, as JSON (a string
 * with its quotes). A path that selects nothing gives `null` outside a string and nothing inside.
 */
export function fillTemplate(template: string, vars: ReadonlyMap<string, unknown>): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === "<") {
      const close = template.indexOf(">", i + 1);
      const name = close > i ? template.slice(i + 1, close) : "";
      if (close > i && vars.has(name)) {
        out += render(vars.get(name), inString);
        i = close;
        continue;
      }
    }
    if (c === '"') inString = !inString;
    else if (c === "\\" && inString) {
      out += c + (template[i + 1] ?? "");
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

function render(value: unknown, inString: boolean): string {
  if (!inString) return value === undefined ? "null" : JSON.stringify(value);
  if (value === undefined || value === null) return value === null ? "null" : "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}
