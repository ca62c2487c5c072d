import type { SamContext } from "./context.js";
import { s3Location } from "./code.js";
import { invalidResource } from "./errors.js";
import { MANAGED } from "./events-api.js";
import { samHash, pythonJson } from "./hash.js";
import { compact, ref, resolveParameterRefs } from "./intrinsics.js";
import { addBinaryMediaTypes, addCors, corsSettings } from "./swagger.js";
import { applyRestAuth, checkRestAuth } from "./swagger-auth.js";
import { addUsagePlan, applyApiKeyRequired } from "./usage-plan.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * AWS::Serverless::Api → AWS::ApiGateway::RestApi (with the body SAM built or the user's),
 * `<Api>Deployment<hash>` and `<Api><Stage>Stage`. The deployment's id changes whenever the body
 * changes, so each change is deployed. (SAM hashes Python's repr of the body; haneul hashes the
 * body's JSON, so the 10 digits differ from SAM's while behaving the same way.)
 */

/** SAM's test for an OpenAPI 3 version (`3.0`, `3.0.1`). */
const OPENAPI_3 = /^3(\.\d)(\.\d)?$/;

const REFUSED = [
  "Domain",
  "GatewayResponses",
  "Models",
  "MergeDefinitions",
  "AlwaysDeploy",
  "DisableExecuteApiEndpoint",
  "FailOnWarnings",
];

/** Translates one REST API into ctx. */
export function translateRestApi(apiId: string, resource: TemplateObject, ctx: SamContext): void {
  const props = resource.Properties as TemplateObject;
  for (const key of REFUSED)
    if (props[key] !== undefined) throw invalidResource(apiId, `${key} is not supported by haneul yet`);
  if (props.StageName === undefined || props.StageName === null)
    throw invalidResource(apiId, "Missing required property 'StageName'.");
  if (props.StageName === "") throw invalidResource(apiId, "StageName cannot be empty.");
  if (props.DefinitionBody !== undefined && props.DefinitionUri !== undefined) {
    throw invalidResource(apiId, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
  }
  const openApi3 = typeof props.OpenApiVersion === "string" && OPENAPI_3.test(props.OpenApiVersion);
  if (props.OpenApiVersion !== undefined && !/^[23]\.\d+(\.\d+)?$/.test(textOf(props.OpenApiVersion))) {
    throw invalidResource(apiId, "The OpenApiVersion value must be of the format '3.0.0'.");
  }
  let body = isObject(props.DefinitionBody) ? props.DefinitionBody : undefined;
  if (props.DefinitionBody !== undefined && !body)
    throw invalidResource(apiId, "Property 'DefinitionBody' should be a map.");
  const binaryMediaTypes = resolveParameterRefs(props.BinaryMediaTypes, ctx.options.parameters);
  if (body) {
    if (props[MANAGED] === true && openApi3) body = toOpenApi3(body, textOf(props.OpenApiVersion));
    if (props.Cors !== undefined) addCors(body, corsSettings(apiId, props.Cors));
    if (props.Auth !== undefined) {
      const auth = checkRestAuth(apiId, props.Auth);
      applyRestAuth(apiId, body, auth, ctx);
      applyApiKeyRequired(body, auth);
    }
    if (binaryMediaTypes !== undefined) addBinaryMediaTypes(body, binaryMediaTypes);
    body = openApi3Postprocess(body, props.OpenApiVersion);
  } else if (props.Cors !== undefined) {
    throw invalidResource(apiId, "Cors works only with inline Swagger specified in 'DefinitionBody' property.");
  } else if (props.Auth !== undefined) {
    throw invalidResource(apiId, "Auth works only with inline Swagger specified in 'DefinitionBody' property.");
  }
  const passthrough = passthroughAttributes(resource);
  const bodyS3 = props.DefinitionUri === undefined ? undefined : bodyLocation(apiId, props.DefinitionUri, ctx);
  ctx.resources[apiId] = compact({
    Type: "AWS::ApiGateway::RestApi",
    ...passthrough,
    DependsOn: resource.DependsOn,
    Properties: compact({
      Body: body,
      BodyS3Location: bodyS3,
      Name: props.Name,
      Description: props.Description,
      BinaryMediaTypes: binaryMediaTypes,
      MinimumCompressionSize: props.MinimumCompressionSize,
      ...endpointConfiguration(props.EndpointConfiguration),
      Mode: props.Mode,
      ApiKeySourceType: props.ApiKeySourceType,
    }),
  });
  const deploymentId = deployment(
    apiId,
    { body: body ?? bodyS3, openApiVersion: props.OpenApiVersion, extraStage: !openApi3 },
    passthrough,
    ctx,
  );
  const stageId = stage(apiId, props, deploymentId, passthrough, ctx);
  if (isObject(props.Auth)) addUsagePlan(props.Auth, { apiId, stageId, passthrough }, ctx);
}

function bodyLocation(apiId: string, uri: TemplateValue, ctx: SamContext): TemplateObject {
  const code = s3Location(uri, ctx, { logicalId: apiId, property: "DefinitionUri" });
  return compact({ Bucket: code.S3Bucket, Key: code.S3Key, Version: code.S3ObjectVersion });
}

function toOpenApi3(body: TemplateObject, version: string): TemplateObject {
  const rest = { ...body };
  delete rest.swagger;
  return { openapi: version, ...rest };
}

/** SAM's OpenAPI 3 adjustments of a body that is not swagger: securityDefinitions and definitions under components, CORS preflights without consumes/produces and with header schemas. */
function openApi3Postprocess(body: TemplateObject, openApiVersion: TemplateValue | undefined): TemplateObject {
  if (body.swagger !== undefined) return body;
  const version = body.openapi ?? openApiVersion;
  if (typeof version !== "string" || !OPENAPI_3.test(version)) return body;
  const components: TemplateObject = isObject(body.components) ? body.components : {};
  if (body.securityDefinitions) {
    components.securitySchemes = body.securityDefinitions;
    delete body.securityDefinitions;
    body.components = components;
  }
  if (body.definitions) {
    components.schemas = body.definitions;
    delete body.definitions;
    body.components = components;
  }
  for (const item of Object.values(isObject(body.paths) ? body.paths : {})) {
    const options = isObject(item) && isObject(item.options) ? item.options : undefined;
    if (!options) continue;
    delete options.produces;
    delete options.consumes;
    const ok = isObject(options.responses) ? options.responses["200"] : undefined;
    if (isObject(ok) && isObject(ok.headers)) {
      ok.headers = Object.fromEntries(Object.entries(ok.headers).map(([h, v]) => [h, { schema: v }]));
    }
  }
  return body;
}

function endpointConfiguration(value: TemplateValue | undefined): TemplateObject {
  if (value === undefined) return {};
  if (isObject(value) && value.Type !== undefined) {
    return compact({
      Parameters: { endpointConfigurationTypes: value.Type },
      EndpointConfiguration: compact({
        Types: [value.Type],
        VpcEndpointIds: value.VPCEndpointIds ?? value.VpcEndpointIds,
        IpAddressType: value.IpAddressType,
      }),
    });
  }
  return { Parameters: { endpointConfigurationTypes: value }, EndpointConfiguration: { Types: [value] } };
}

/** The attributes SAM passes to every resource it generates from this one. */
export function passthroughAttributes(resource: TemplateObject): TemplateObject {
  return compact({
    Condition: resource.Condition,
    DeletionPolicy: resource.DeletionPolicy,
    UpdateReplacePolicy: resource.UpdateReplacePolicy,
  });
}

function deployment(
  apiId: string,
  input: { body: TemplateObject | undefined; openApiVersion: TemplateValue | undefined; extraStage: boolean },
  passthrough: TemplateObject,
  ctx: SamContext,
): string {
  const hashInput = input.body
    ? [pythonJson(input.body), input.openApiVersion === undefined ? "" : textOf(input.openApiVersion)].join("||")
    : "";
  const digest = samHash(hashInput, 40);
  const id = `${apiId}Deployment${digest.slice(0, 10)}`;
  ctx.resources[id] = compact({
    Type: "AWS::ApiGateway::Deployment",
    ...passthrough,
    Properties: compact({
      Description: digest ? `RestApi deployment id: ${digest}` : undefined,
      RestApiId: ref(apiId),
      StageName: input.extraStage ? "Stage" : undefined,
    }),
  });
  return id;
}

/** `<Api><StageName>Stage`, or `<Api>Stage<hash>` for a stage name that is not alphanumeric. */
export function stageLogicalId(apiId: string, stageName: TemplateValue): string {
  const prefix = typeof stageName === "string" ? stageName : "";
  return /^[A-Za-z0-9]+$/.test(prefix) ? `${apiId}${prefix}Stage` : `${apiId}Stage${samHash(prefix)}`;
}

function stage(
  apiId: string,
  props: TemplateObject,
  deploymentId: string,
  passthrough: TemplateObject,
  ctx: SamContext,
): string {
  const id = stageLogicalId(apiId, props.StageName as TemplateValue);
  ctx.resources[id] = compact({
    Type: "AWS::ApiGateway::Stage",
    ...passthrough,
    Properties: compact({
      DeploymentId: ref(deploymentId),
      RestApiId: ref(apiId),
      StageName: props.StageName,
      CacheClusterEnabled: props.CacheClusterEnabled,
      CacheClusterSize: props.CacheClusterSize,
      Variables: props.Variables,
      MethodSettings: props.MethodSettings,
      AccessLogSetting: props.AccessLogSetting,
      CanarySetting: props.CanarySetting,
      TracingEnabled: props.TracingEnabled,
      Tags: isObject(props.Tags) ? Object.entries(props.Tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
    }),
  });
  return id;
}
