import { samTransform } from "../sam/transform.js";
import type { ArtifactLocator, PolicyExpander } from "../sam/context.js";
import { isPlatformError } from "../../shared/errors.js";
import type { PlatformError } from "../../shared/errors.js";
import { readParameterDeclarations, resolveParameters } from "./parameters.js";
import type { ParameterDeclaration, ParameterInput, ParameterValue } from "./parameters.js";
import { prepareTemplate } from "./prepare.js";
import type { PreparedTemplate } from "./prepare.js";
import type { PseudoParameters } from "./pseudo.js";
import type { TemplateSource } from "./read.js";
import { typeReport, unknownTypesWarning } from "./resource-types.js";
import type { TypeReport } from "./resource-types.js";
import { mapRetiredRuntimes } from "./runtimes.js";
import { checkStructure } from "./structure.js";
import { templateError } from "./values.js";
import type { TemplateObject } from "./values.js";

/**
 * The template pipeline: read (done by the caller) → check the structure → resolve parameters →
 * SAM transform → map retired runtimes → resolve what is known before deploying → dependency
 * graph and order → which types are pending or unknown. The deploy step (stacks) takes it from here.
 */

/** What processing a template needs beside its text. */
export interface TemplateInput {
  readonly source: TemplateSource;
  readonly parameters?: ParameterInput | undefined;
  readonly pseudo: PseudoParameters;
  readonly artifacts?: ArtifactLocator | undefined;
  readonly policies?: PolicyExpander | undefined;
  readonly importValue?: ((exportName: string) => string | undefined) | undefined;
}

/** A template ready for a change set. */
export interface ProcessedTemplate {
  readonly declarations: readonly ParameterDeclaration[];
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  /** The template after the SAM transform (what GetTemplate's Processed stage returns). */
  readonly processed: TemplateObject;
  readonly prepared: PreparedTemplate;
  readonly types: TypeReport;
  readonly warnings: readonly string[];
}

/** Runs the pipeline; every error is a ValidationError that names the file and, where known, the line. */
export function processTemplate(input: TemplateInput): ProcessedTemplate {
  try {
    const body = input.source.body;
    checkStructure(body);
    const declarations = readParameterDeclarations(body.Parameters);
    const parameters = resolveParameters(declarations, input.parameters);
    const withPseudo = new Map<string, ParameterValue>([...parameters, ...pseudoEntries(input.pseudo)]);
    const transformed = samTransform(body, {
      parameters: withPseudo,
      partition: input.pseudo.partition,
      region: input.pseudo.region,
      artifacts: input.artifacts,
      policies: input.policies,
    });
    const processed = transformed.template;
    const warnings = [...transformed.warnings, ...mapRetiredRuntimes(processed)];
    checkStructure(processed);
    const prepared = prepareTemplate(processed, { parameters, pseudo: input.pseudo, importValue: input.importValue });
    const types = typeReport(new Map([...prepared.resources].map(([id, r]) => [id, r.type])));
    const unknown = unknownTypesWarning(types);
    if (unknown) warnings.push(unknown);
    return { declarations, parameters, processed, prepared, types, warnings };
  } catch (e) {
    throw located(e, input.source);
  }
}

function pseudoEntries(pseudo: PseudoParameters): [string, string][] {
  return [
    ["AWS::Region", pseudo.region],
    ["AWS::AccountId", pseudo.accountId],
    ["AWS::StackName", pseudo.stackName],
    ["AWS::StackId", pseudo.stackId],
    ["AWS::Partition", pseudo.partition],
    ["AWS::URLSuffix", pseudo.urlSuffix],
  ];
}

/** The error with the template's file and the line of its path added. */
export function located(error: unknown, source: TemplateSource): unknown {
  if (!isPlatformError(error) || error.code !== "ERR_TEMPLATE_VALIDATION") return error;
  const fields = error.fields as { file?: string; line?: number; path?: string };
  if (fields.file !== undefined) return error;
  const path = fields.path?.split("/").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const line = fields.line ?? (path ? source.lineOf(path) : resourceLine(error, source));
  return templateError(error.message, { file: source.file, line, path });
}

/** For the transform's errors, the line of the resource they name. */
function resourceLine(error: PlatformError, source: TemplateSource): number | undefined {
  const id = /Resource with id \[([A-Za-z0-9]+)\]/.exec(error.message)?.[1];
  return id ? source.lineOf(["Resources", id]) : undefined;
}
