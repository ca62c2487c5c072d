import type { SamContext, SamTransformOptions } from "./context.js";
import { addApiConditions, apiRoutes } from "./api-conditions.js";
import { deploymentApplication } from "./deployment-preference.js";
import { invalidResource, SamError, transformFailure } from "./errors.js";
import { IMPLICIT_HTTP_API, IMPLICIT_REST_API, MANAGED } from "./events-api.js";
import { translateFunction } from "./function.js";
import type { FunctionResult } from "./function.js";
import { readGlobals, withGlobals } from "./globals.js";
import type { Globals } from "./globals.js";
import { openApiSkeleton, translateHttpApi } from "./http-api.js";
import { translateLayer } from "./layer.js";
import { rewriteReferences } from "./references.js";
import { stageLogicalId, translateRestApi } from "./rest-api.js";
import { swaggerSkeleton } from "./swagger.js";
import { transformsOf } from "../template/structure.js";
import { isObject, templateError, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * The SAM transform (`Transform: AWS::Serverless-2016-10-31`): AWS::Serverless::* resources
 * replaced by the plain resources SAM generates for them, under the logical ids SAM gives them.
 * Functions go first (their API events write routes into the APIs' bodies), then APIs, then layers.
 */

export const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

const REFUSED_TYPES: Record<string, string> = {
  "AWS::Serverless::SimpleTable":
    "AWS::Serverless::SimpleTable is not supported by haneul yet (it has no DynamoDB tables); remove it or deploy the table elsewhere",
  "AWS::Serverless::Application": "AWS::Serverless::Application (nested applications) is not supported by haneul",
  "AWS::Serverless::StateMachine":
    "AWS::Serverless::StateMachine is not supported by haneul (it has no Step Functions)",
  "AWS::Serverless::Connector": "AWS::Serverless::Connector is not supported by haneul yet",
  "AWS::Serverless::GraphQLApi": "AWS::Serverless::GraphQLApi is not supported by haneul",
  "AWS::Serverless::WebSocketApi": "AWS::Serverless::WebSocketApi is not supported by haneul yet",
  "AWS::Serverless::CapacityProvider": "AWS::Serverless::CapacityProvider is not supported by haneul",
};

/** The transformed template and what the transform noticed. */
export interface SamTransformResult {
  readonly template: TemplateObject;
  readonly warnings: readonly string[];
}

/** True when the template declares the SAM transform. */
export function usesSamTransform(body: TemplateObject): boolean {
  return transformsOf(body).includes(SAM_TRANSFORM);
}

/** Runs the transform; a template without it is returned as it is (SAM types in it are CloudFormation's error). */
export function samTransform(body: TemplateObject, options: SamTransformOptions): SamTransformResult {
  const resources = isObject(body.Resources) ? (body.Resources as Record<string, TemplateObject>) : {};
  if (!usesSamTransform(body)) {
    const sam = Object.entries(resources).filter(([, r]) => textOf(r.Type).startsWith("AWS::Serverless::"));
    if (sam.length) {
      throw templateError(
        `Template format error: Unrecognized resource types: [${[...new Set(sam.map(([, r]) => textOf(r.Type)))].join(", ")}]`,
      );
    }
    return { template: body, warnings: [] };
  }
  const others = transformsOf(body).filter((t) => t !== SAM_TRANSFORM);
  if (others.length)
    throw templateError(
      `Template format error: haneul runs only the ${SAM_TRANSFORM} transform, not ${others.join(", ")}`,
    );
  const errors: SamError[] = [];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof SamError) errors.push(e);
      else throw e;
    }
  };
  let globals: Globals = new Map();
  collect(() => (globals = readGlobals(body.Globals)));
  const ctx: SamContext = {
    options,
    partition: options.partition ?? "aws",
    resources: structuredClone(resources),
    conditions: isObject(body.Conditions) ? structuredClone(body.Conditions) : {},
    warnings: [],
  };
  for (const [id, r] of Object.entries(ctx.resources)) {
    collect(() => {
      const refused = REFUSED_TYPES[textOf(r.Type)];
      if (refused) throw invalidResource(id, refused);
      if (textOf(r.Type).startsWith("AWS::Serverless::")) r.Properties = withGlobals(globals, id, r);
    });
  }
  if (errors.length) throw transformFailure(errors);
  collect(() => addImplicitApis(ctx, globals));
  manageBodies(ctx);
  const references = new Map<string, string>();
  const routes = apiRoutes(ctx);
  let needsServiceRole: boolean | undefined;
  const byType = (type: string) => Object.entries(ctx.resources).filter(([, r]) => r.Type === type);
  for (const [id, r] of byType("AWS::Serverless::Function")) {
    collect(() => {
      const result = translateFunction(id, r, ctx);
      if (result.deployment) needsServiceRole = (needsServiceRole ?? false) || result.deployment.needsServiceRole;
      functionReferences(id, result, references);
    });
  }
  if (!errors.length) addApiConditions(ctx, routes);
  for (const [id, r] of byType("AWS::Serverless::Api")) {
    collect(() => {
      translateRestApi(id, r, ctx);
      apiReferences(
        id,
        ctx,
        references,
        stageLogicalId(id, (r.Properties as TemplateObject).StageName as TemplateValue),
      );
    });
  }
  for (const [id, r] of byType("AWS::Serverless::HttpApi")) collect(() => translateHttpApi(id, r, ctx));
  for (const [id, r] of byType("AWS::Serverless::LayerVersion")) {
    collect(() => {
      const newId = translateLayer(id, r, ctx);
      delete ctx.resources[id];
      references.set(id, newId);
    });
  }
  if (errors.length) throw transformFailure(errors);
  if (needsServiceRole !== undefined) deploymentApplication(ctx, needsServiceRole);
  const rest = { ...body };
  delete rest.Transform;
  delete rest.Globals;
  const template: TemplateObject = { ...rest, Resources: rewriteReferences(ctx.resources, references) };
  if (Object.keys(ctx.conditions).length) template.Conditions = ctx.conditions;
  if (rest.Outputs !== undefined) template.Outputs = rewriteReferences(rest.Outputs, references);
  return { template, warnings: ctx.warnings };
}

/** ServerlessRestApi (stage Prod) and ServerlessHttpApi for events that name no API. */
function addImplicitApis(ctx: SamContext, globals: Globals): void {
  let rest = false;
  let http = false;
  for (const r of Object.values(ctx.resources)) {
    if (r.Type !== "AWS::Serverless::Function" || !isObject((r.Properties as TemplateObject).Events)) continue;
    for (const event of Object.values((r.Properties as TemplateObject).Events as TemplateObject)) {
      if (!isObject(event) || !isObject(event.Properties ?? {})) continue;
      const p = (event.Properties ?? {}) as TemplateObject;
      if (event.Type === "Api" && p.RestApiId === undefined) rest = true;
      if (event.Type === "HttpApi" && p.ApiId === undefined) http = true;
    }
  }
  const add = (id: string, type: string, properties: TemplateObject) => {
    const existing = ctx.resources[id];
    if (existing && existing.Type !== type)
      throw invalidResource(id, `Resource ${id} must be of type ${type} to receive implicit API events.`);
    if (existing) return;
    const resource: TemplateObject = { Type: type, Properties: properties };
    resource.Properties = withGlobals(globals, id, resource);
    ctx.resources[id] = resource;
  };
  if (rest)
    add(IMPLICIT_REST_API, "AWS::Serverless::Api", {
      StageName: "Prod",
      DefinitionBody: swaggerSkeleton(),
      [MANAGED]: true,
    });
  if (http) add(IMPLICIT_HTTP_API, "AWS::Serverless::HttpApi", { DefinitionBody: openApiSkeleton(), [MANAGED]: true });
}

/** APIs without a definition get the skeleton SAM starts from, and their routes from events. */
function manageBodies(ctx: SamContext): void {
  for (const r of Object.values(ctx.resources)) {
    const p = r.Properties as TemplateObject;
    if (r.Type === "AWS::Serverless::Api" && p.DefinitionBody === undefined && p.DefinitionUri === undefined) {
      p.DefinitionBody = swaggerSkeleton();
      p[MANAGED] = true;
    }
    if (r.Type === "AWS::Serverless::HttpApi" && p.DefinitionBody === undefined && p.DefinitionUri === undefined) {
      p.DefinitionBody = openApiSkeleton();
      p[MANAGED] = true;
    }
  }
}

function functionReferences(id: string, result: FunctionResult, references: Map<string, string>): void {
  if (result.aliasId) references.set(`${id}.Alias`, result.aliasId);
  if (result.versionId) references.set(`${id}.Version`, result.versionId);
  references.set(`${id}.DestinationQueue`, `${id}EventInvokeConfigOnSuccessQueue`);
  references.set(`${id}.DestinationTopic`, `${id}EventInvokeConfigOnSuccessTopic`);
}

function apiReferences(id: string, ctx: SamContext, references: Map<string, string>, stageId: string): void {
  references.set(`${id}.Stage`, stageId);
  const deployment = Object.keys(ctx.resources).find(
    (k) => k.startsWith(`${id}Deployment`) && ctx.resources[k]?.Type === "AWS::ApiGateway::Deployment",
  );
  if (deployment) references.set(`${id}.Deployment`, deployment);
}
