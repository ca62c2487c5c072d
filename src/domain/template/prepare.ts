import { evaluateConditions } from "./conditions.js";
import { NO_VALUE } from "./context.js";
import type { DeployedResources, ResolveContext } from "./context.js";
import { creationOrder, dependencyGraph, dependsOnList } from "./graph.js";
import type { DependencyGraph } from "./graph.js";
import { resolveValue } from "./intrinsics.js";
import type { ParameterValue } from "./parameters.js";
import type { PseudoParameters } from "./pseudo.js";
import { attributeNames } from "./resource-types.js";
import { isObject, templateError, textOf } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * Phase 1 of resolving a plain (already transformed) template: conditions evaluated, resources and
 * outputs whose condition is false dropped, everything known before deploying resolved, the
 * dependency graph built and checked, a creation order fixed.
 */

/** A resource as the deploy step sees it. */
export interface PreparedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Properties with parameters, conditions and mappings resolved; expressions on resources kept. */
  readonly properties: TemplateObject;
  readonly dependsOn: readonly string[];
  readonly metadata?: TemplateValue | undefined;
  readonly deletionPolicy?: string | undefined;
  readonly updateReplacePolicy?: string | undefined;
  readonly updatePolicy?: TemplateValue | undefined;
}

/** An output with its value resolved as far as phase 1 goes. */
export interface PreparedOutput {
  readonly name: string;
  readonly value: TemplateValue;
  readonly description?: string | undefined;
  readonly exportName?: TemplateValue | undefined;
}

/** A template ready to deploy. */
export interface PreparedTemplate {
  readonly resources: ReadonlyMap<string, PreparedResource>;
  readonly outputs: readonly PreparedOutput[];
  readonly conditions: ReadonlyMap<string, boolean>;
  readonly graph: DependencyGraph;
  /** Every resource after everything it depends on. */
  readonly order: readonly string[];
  /** The context phase 2 resolves against (add `deployed`). */
  readonly context: ResolveContext;
}

/** What phase 1 needs beside the template. */
export interface PrepareInput {
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly pseudo: PseudoParameters;
  readonly importValue?: ((name: string) => string | undefined) | undefined;
}

/** Runs phase 1 on a transformed template body. */
export function prepareTemplate(body: TemplateObject, input: PrepareInput): PreparedTemplate {
  const mappings = isObject(body.Mappings) ? body.Mappings : {};
  const allResources = (isObject(body.Resources) ? body.Resources : {}) as Record<string, TemplateObject>;
  const base = {
    parameters: input.parameters,
    pseudo: input.pseudo,
    mappings,
    resources: new Map<string, string>(),
    attributeNames,
    importValue: input.importValue,
  };
  const conditions = evaluateConditions(body.Conditions, base);
  const kept = Object.entries(allResources).filter(([id, r]) =>
    conditionHolds(r.Condition, conditions, ["Resources", id, "Condition"]),
  );
  const types = new Map(kept.map(([id, r]) => [id, r.Type as string]));
  const ctx: ResolveContext = { ...base, resources: types, conditions, block: "Resources" };
  const resources = new Map<string, PreparedResource>();
  const resolvedBodies: Record<string, TemplateObject> = {};
  for (const [id, r] of kept) {
    const resolved = resolveValue(r.Properties ?? {}, ctx, ["Resources", id, "Properties"]);
    const properties = resolved === NO_VALUE || !isObject(resolved) ? {} : resolved;
    const prepared: PreparedResource = {
      logicalId: id,
      type: r.Type as string,
      properties,
      dependsOn: dependsOnList(r),
      metadata: r.Metadata,
      deletionPolicy: typeof r.DeletionPolicy === "string" ? r.DeletionPolicy : undefined,
      updateReplacePolicy: typeof r.UpdateReplacePolicy === "string" ? r.UpdateReplacePolicy : undefined,
      updatePolicy:
        r.UpdatePolicy === undefined
          ? undefined
          : resolveOrNull(r.UpdatePolicy, ctx, ["Resources", id, "UpdatePolicy"]),
    };
    resources.set(id, prepared);
    resolvedBodies[id] = { Properties: properties, DependsOn: [...prepared.dependsOn] };
  }
  const known = new Set(input.parameters.keys());
  const graph = dependencyGraph(resolvedBodies, known);
  const outputs = prepareOutputs(body.Outputs, { ...ctx, block: "Outputs" });
  return { resources, outputs, conditions, graph, order: creationOrder(graph), context: ctx };
}

function resolveOrNull(value: TemplateValue, ctx: ResolveContext, path: (string | number)[]): TemplateValue {
  const r = resolveValue(value, ctx, path);
  return r === NO_VALUE ? null : r;
}

function conditionHolds(
  condition: TemplateValue | undefined,
  conditions: ReadonlyMap<string, boolean>,
  path: (string | number)[],
): boolean {
  if (condition === undefined) return true;
  const value = conditions.get(textOf(condition));
  if (value === undefined)
    throw templateError(
      `Template format error: Unresolved dependencies [${textOf(condition)}]. Cannot find the condition in the Conditions block of the template`,
      { path },
    );
  return value;
}

function prepareOutputs(section: TemplateValue | undefined, ctx: ResolveContext): PreparedOutput[] {
  if (!isObject(section)) return [];
  const out: PreparedOutput[] = [];
  for (const [name, raw] of Object.entries(section)) {
    const o = raw as TemplateObject;
    if (!conditionHolds(o.Condition, ctx.conditions ?? new Map(), ["Outputs", name, "Condition"])) continue;
    const path = ["Outputs", name];
    const exportName = isObject(o.Export)
      ? resolveOrNull(o.Export.Name as TemplateValue, ctx, [...path, "Export", "Name"])
      : undefined;
    out.push({
      name,
      value: resolveOrNull(o.Value as TemplateValue, ctx, [...path, "Value"]),
      description: typeof o.Description === "string" ? o.Description : undefined,
      exportName,
    });
  }
  return out;
}

/** Phase 2: the properties of `logicalId` with every resource it refers to deployed. */
export function resolveDeployedProperties(
  prepared: PreparedTemplate,
  logicalId: string,
  deployed: DeployedResources,
): TemplateObject {
  const resource = prepared.resources.get(logicalId);
  if (!resource)
    throw templateError(
      `Template format error: Unresolved resource dependencies [${logicalId}] in the Resources block of the template`,
    );
  const r = resolveValue(resource.properties, { ...prepared.context, deployed }, [
    "Resources",
    logicalId,
    "Properties",
  ]);
  return r === NO_VALUE || !isObject(r) ? {} : r;
}

/** Phase 2 of a resource's UpdatePolicy (an alias's CodeDeployLambdaAliasUpdate names deployed resources). */
export function resolveDeployedUpdatePolicy(
  prepared: PreparedTemplate,
  logicalId: string,
  deployed: DeployedResources,
): TemplateValue | undefined {
  const policy = prepared.resources.get(logicalId)?.updatePolicy;
  if (policy === undefined || policy === null) return undefined;
  return resolveOrNull(policy, { ...prepared.context, deployed }, ["Resources", logicalId, "UpdatePolicy"]);
}

/** Phase 2: outputs with every resource deployed. */
export function resolveDeployedOutputs(
  prepared: PreparedTemplate,
  deployed: DeployedResources,
): { name: string; value: TemplateValue; description?: string | undefined; exportName?: string | undefined }[] {
  const ctx: ResolveContext = { ...prepared.context, deployed, block: "Outputs" };
  return prepared.outputs.map((o) => ({
    name: o.name,
    value: resolveOrNull(o.value, ctx, ["Outputs", o.name, "Value"]),
    description: o.description,
    exportName:
      o.exportName === undefined ? undefined : textOf(resolveOrNull(o.exportName, ctx, ["Outputs", o.name, "Export"])),
  }));
}
