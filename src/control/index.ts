export { LambdaControlPlane, type ControlPlaneOptions, type InvocationTarget } from "./control-plane.js";
export { ApiService, type ApiServiceDeps } from "./api-service.js";
export { StaticCatalog } from "./static-catalog.js";
export type { ResourceWithMethods } from "./apigateway/rest-apis.js";
export type { GatewayResponseView } from "./apigateway/gateway-responses.js";
export type * from "./types.js";
export type { ImportedRestApi, RestImportOptions } from "./apigateway/openapi/rest-import.js";
export type { ImportedHttpApi } from "./apigateway/openapi/http-import.js";
export { LayerService } from "./layer-service.js";
