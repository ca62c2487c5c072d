import { processTemplate } from "../../domain/template/pipeline.js";
import type { ProcessedTemplate } from "../../domain/template/pipeline.js";
import { pseudoParameters } from "../../domain/template/pseudo.js";
import { readTemplate } from "../../domain/template/read.js";
import type { StackParameterRecord } from "../../ports/stack-store.js";

/** A template to process for one stack. */
export interface StackTemplateInput {
  readonly stackName: string;
  readonly stackId: string;
  readonly templateBody: string;
  /** Values given with the request. */
  readonly overrides: Readonly<Record<string, string>>;
  /** Keys whose previous value is kept (`UsePreviousValue`), with those values. */
  readonly previous?: Readonly<Record<string, string>> | undefined;
  readonly region: string;
  readonly accountId: string;
  readonly exports: ReadonlyMap<string, string>;
}

/** The template through the whole pipeline, and the parameters as the stack keeps them. */
export function processStackTemplate(input: StackTemplateInput): {
  processed: ProcessedTemplate;
  parameters: StackParameterRecord[];
} {
  const source = readTemplate(input.templateBody, "template");
  const processed = processTemplate({
    source,
    parameters: { overrides: input.overrides, previous: input.previous },
    pseudo: pseudoParameters({ ...input }),
    importValue: (name) => input.exports.get(name),
  });
  const parameters = processed.declarations.map((d) => {
    const v = processed.parameters.get(d.name);
    return { key: d.name, value: Array.isArray(v) ? v.join(",") : (v ?? ""), noEcho: d.noEcho || undefined };
  });
  return { processed, parameters };
}

/** The overrides that re-create `parameters` (what a rollback processes the old template with). */
export function parameterOverrides(parameters: readonly StackParameterRecord[]): Record<string, string> {
  return Object.fromEntries(parameters.map((p) => [p.key, p.value]));
}
