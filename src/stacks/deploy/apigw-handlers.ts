import { refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";
import { httpAccessLogSettings, restAccessLogOps } from "./apigw-access-logs.js";
import { httpCors, importHttpBody, importRestBody } from "./openapi-import.js";
import { methodSettingOps, routeThrottle, routeThrottles } from "./stage-settings.js";

/** AWS::ApiGateway::* (REST) and AWS::ApiGatewayV2::* (HTTP) resources through the API Gateway service. */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null ? (v as Obj) : undefined);

function bodyOf(props: Properties, scope: ResourceScope): Obj | undefined {
  if (props.BodyS3Location !== undefined) {
    throw new ResourceFailure(
      `haneul does not read API definitions from S3 yet; use DefinitionBody (${scope.logicalId})`,
    );
  }
  return obj(props.Body);
}

const REST_KEYS = ["Name", "Description", "Body", "BodyS3Location", "BinaryMediaTypes", "EndpointConfiguration"];
const REST_KEYS_EXTRA = ["FailOnWarnings", "Parameters", "Mode", "ApiKeySourceType", "DisableExecuteApiEndpoint"];

const restApi: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, [...REST_KEYS, ...REST_KEYS_EXTRA]);
    const body = bodyOf(props, scope);
    const info = obj(body?.info);
    const endpoint = obj(props.EndpointConfiguration);
    const api = await scope.services.apis.rest.createRestApi({
      name: str(props, "Name") ?? (typeof info?.title === "string" ? info.title : scope.logicalId),
      description: str(props, "Description"),
      binaryMediaTypes: (props.BinaryMediaTypes ?? body?.["x-amazon-apigateway-binary-media-types"]) as
        string[] | undefined,
      endpointConfiguration: endpoint ? { types: endpoint.Types as string[] } : undefined,
      apiKeySource: str(props, "ApiKeySourceType"),
      disableExecuteApiEndpoint: props.DisableExecuteApiEndpoint as boolean | undefined,
    });
    if (body) await importRestBody(scope.services.apis, { apiId: api.apiId, logicalId: scope.logicalId }, body);
    return { physicalId: api.apiId, attributes: { RestApiId: api.apiId, RootResourceId: api.rootResourceId } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, [...REST_KEYS, ...REST_KEYS_EXTRA]);
    const apiId = previous.physicalId ?? "";
    const before = previous.properties;
    for (const k of ["Name", "Description", "BinaryMediaTypes", "EndpointConfiguration"]) {
      if (JSON.stringify(before[k]) !== JSON.stringify(props[k])) {
        throw new ResourceFailure(`haneul cannot update ${k} of a REST API in place yet (${scope.logicalId})`);
      }
    }
    const body = bodyOf(props, scope) ?? { paths: {} };
    await importRestBody(scope.services.apis, { apiId, logicalId: scope.logicalId }, body);
    return { physicalId: apiId, attributes: previous.attributes };
  },
  async delete(record, scope) {
    if (record.physicalId) await scope.services.apis.rest.deleteRestApi(record.physicalId);
  },
};

const restDeployment: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["RestApiId", "Description", "StageName", "StageDescription"]);
    const apiId = str(props, "RestApiId") ?? "";
    const d = await scope.services.apis.rest.createDeployment(apiId, {
      description: str(props, "Description"),
      stageName: str(props, "StageName"),
      stageDescription: str(props, "StageDescription"),
    });
    return { physicalId: d.deploymentId, attributes: { DeploymentId: d.deploymentId, RestApiId: apiId } };
  },
  async delete(record, scope) {
    const apiId = String(record.attributes.RestApiId);
    const stages = await scope.services.apis.rest.getStages(apiId, record.physicalId);
    // The extra `Stage` stage SAM asks for is made by the deployment; it goes with it.
    for (const s of stages) await scope.services.apis.rest.deleteStage(apiId, s.stageName);
    await scope.services.apis.rest.deleteDeployment(apiId, record.physicalId ?? "");
  },
};

const REST_STAGE_KEYS = [
  "RestApiId",
  "DeploymentId",
  "StageName",
  "Description",
  "Variables",
  "TracingEnabled",
  "AccessLogSetting",
  "Tags",
  "MethodSettings",
];

const restStage: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, REST_STAGE_KEYS);
    const apiId = str(props, "RestApiId") ?? "";
    const stageName = str(props, "StageName") ?? "";
    await scope.services.apis.rest.createStage(apiId, {
      stageName,
      deploymentId: str(props, "DeploymentId") ?? "",
      description: str(props, "Description"),
      variables: props.Variables as Record<string, string> | undefined,
      tracingEnabled: props.TracingEnabled as boolean | undefined,
    });
    const ops = [
      ...methodSettingOps(undefined, props.MethodSettings, scope.logicalId),
      ...restAccessLogOps(props, undefined),
    ];
    if (ops.length > 0) await scope.services.apis.rest.updateStage(apiId, stageName, ops);
    return { physicalId: stageName, attributes: { RestApiId: apiId } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, REST_STAGE_KEYS);
    const apiId = String(previous.attributes.RestApiId);
    const ops = [{ op: "replace", path: "/deploymentId", value: str(props, "DeploymentId") }];
    const before = (previous.properties.Variables ?? {}) as Record<string, string>;
    const after = (props.Variables ?? {}) as Record<string, string>;
    for (const k of Object.keys(before))
      if (!(k in after)) ops.push({ op: "remove", path: `/variables/${k}`, value: undefined });
    for (const [k, v] of Object.entries(after)) ops.push({ op: "replace", path: `/variables/${k}`, value: v });
    ops.push(...methodSettingOps(previous.properties.MethodSettings, props.MethodSettings, scope.logicalId));
    ops.push(...restAccessLogOps(props, previous.properties));
    await scope.services.apis.rest.updateStage(apiId, previous.physicalId ?? "", ops);
    return { physicalId: previous.physicalId ?? "", attributes: previous.attributes };
  },
  async delete(record, scope) {
    await scope.services.apis.rest.deleteStage(String(record.attributes.RestApiId), record.physicalId ?? "");
  },
};

const HTTP_KEYS = ["Name", "Description", "Body", "BodyS3Location", "ProtocolType", "Target", "RouteKey"];
const HTTP_KEYS_EXTRA = ["CorsConfiguration", "FailOnWarnings", "DisableExecuteApiEndpoint", "Version", "Tags"];

function corsInput(props: Properties, body: Obj | undefined): Record<string, unknown> | undefined {
  return obj(props.CorsConfiguration) ?? (body ? httpCors(body) : undefined);
}

const httpApi: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, [...HTTP_KEYS, ...HTTP_KEYS_EXTRA]);
    const body = bodyOf(props, scope);
    const info = obj(body?.info);
    const api = await scope.services.apis.http.createApi({
      name: str(props, "Name") ?? (typeof info?.title === "string" ? info.title : scope.logicalId),
      protocolType: str(props, "ProtocolType") ?? "HTTP",
      description: str(props, "Description") ?? (typeof info?.description === "string" ? info.description : undefined),
      target: str(props, "Target"),
      routeKey: str(props, "RouteKey"),
      corsConfiguration: corsInput(props, body),
      disableExecuteApiEndpoint: props.DisableExecuteApiEndpoint as boolean | undefined,
    });
    if (body) await importHttpBody(scope.services.apis, { apiId: api.apiId, logicalId: scope.logicalId }, body);
    return { physicalId: api.apiId, attributes: { ApiId: api.apiId, ApiEndpoint: apiEndpoint(api.apiId, scope) } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, [...HTTP_KEYS, ...HTTP_KEYS_EXTRA]);
    const apiId = previous.physicalId ?? "";
    const body = bodyOf(props, scope) ?? { paths: {} };
    await scope.services.apis.http.updateApi(apiId, {
      corsConfiguration: corsInput(props, body) ?? {},
      description: str(props, "Description"),
    });
    await importHttpBody(scope.services.apis, { apiId, logicalId: scope.logicalId }, body);
    return { physicalId: apiId, attributes: previous.attributes };
  },
  async delete(record, scope) {
    if (record.physicalId) await scope.services.apis.http.deleteApi(record.physicalId);
  },
};

function apiEndpoint(apiId: string, scope: ResourceScope): string {
  return `https://${apiId}.execute-api.${scope.services.region}.amazonaws.com`;
}

const HTTP_STAGE_KEYS = [
  "ApiId",
  "StageName",
  "AutoDeploy",
  "StageVariables",
  "Description",
  "DeploymentId",
  "AccessLogSettings",
  "Tags",
  "DefaultRouteSettings",
  "RouteSettings",
];

const httpStage: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, HTTP_STAGE_KEYS);
    const apiId = str(props, "ApiId") ?? "";
    const stageName = str(props, "StageName") ?? "";
    await scope.services.apis.http.createStage(apiId, {
      stageName,
      autoDeploy: props.AutoDeploy as boolean | undefined,
      stageVariables: props.StageVariables as Record<string, string> | undefined,
      description: str(props, "Description"),
      deploymentId: str(props, "DeploymentId"),
      defaultRouteSettings: routeThrottle(props.DefaultRouteSettings, scope.logicalId),
      routeSettings: routeThrottles(props.RouteSettings, scope.logicalId),
      accessLogSettings: httpAccessLogSettings(props),
    });
    return { physicalId: stageName, attributes: { ApiId: apiId } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, HTTP_STAGE_KEYS);
    const apiId = String(previous.attributes.ApiId);
    const stageName = previous.physicalId ?? "";
    const kept = obj(props.RouteSettings) ?? {};
    for (const routeKey of Object.keys(obj(previous.properties.RouteSettings) ?? {})) {
      if (!(routeKey in kept)) await scope.services.apis.http.deleteRouteSettings(apiId, { stageName, routeKey });
    }
    await scope.services.apis.http.updateStage(apiId, stageName, {
      autoDeploy: props.AutoDeploy as boolean | undefined,
      stageVariables: (props.StageVariables ?? {}) as Record<string, string>,
      description: str(props, "Description"),
      deploymentId: str(props, "DeploymentId"),
      defaultRouteSettings: routeThrottle(props.DefaultRouteSettings, scope.logicalId) ?? {},
      routeSettings: routeThrottles(props.RouteSettings, scope.logicalId),
      accessLogSettings: httpAccessLogSettings(props),
    });
    if (!props.AccessLogSettings && previous.properties.AccessLogSettings) {
      await scope.services.apis.http.deleteAccessLogSettings(apiId, previous.physicalId ?? "");
    }
    return { physicalId: previous.physicalId ?? "", attributes: previous.attributes };
  },
  async delete(record, scope) {
    await scope.services.apis.http.deleteStage(String(record.attributes.ApiId), record.physicalId ?? "");
  },
};

/** The API Gateway handlers by type. */
export const APIGW_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::ApiGateway::RestApi": restApi,
  "AWS::ApiGateway::Deployment": restDeployment,
  "AWS::ApiGateway::Stage": restStage,
  "AWS::ApiGatewayV2::Api": httpApi,
  "AWS::ApiGatewayV2::Stage": httpStage,
};
