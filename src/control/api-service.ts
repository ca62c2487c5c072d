/**
 * The API Gateway control plane: every v1 (REST) and v2 (HTTP API) operation, over the ApiStore.
 * After each change it recompiles the changed API and hands the gateway the full set of compiled
 * APIs through `publish`; at start it compiles and publishes everything the store holds. The
 * operations themselves live in ./apigateway/, one file per kind of thing.
 */
import type { DeployedApi } from "../domain/deployed-api.js";
import type { ApiStore } from "../ports/api-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import { compileApi } from "./api-compiler.js";
import { autoDeploy } from "./apigateway/auto-deploy.js";
import * as gatewayResponses from "./apigateway/gateway-responses.js";
import type { ApiGatewayContext } from "./apigateway/context.js";
import * as httpApis from "./apigateway/http-apis.js";
import * as httpRoutes from "./apigateway/http-routes.js";
import * as httpStages from "./apigateway/http-stages.js";
import * as httpExport from "./apigateway/openapi/http-export.js";
import * as httpImport from "./apigateway/openapi/http-import.js";
import * as restExport from "./apigateway/openapi/rest-export.js";
import * as restImport from "./apigateway/openapi/rest-import.js";
import * as restApis from "./apigateway/rest-apis.js";
import * as restAuthorizers from "./apigateway/rest-authorizers.js";
import * as restDeployments from "./apigateway/rest-deployments.js";
import * as restMethods from "./apigateway/rest-methods.js";
import * as restModels from "./apigateway/rest-models.js";
import * as restTestInvoke from "./apigateway/rest-test-invoke.js";
import * as restResponses from "./apigateway/rest-responses.js";
import * as restUpdates from "./apigateway/rest-updates.js";
import { KeyedLock } from "./keyed-lock.js";

/** What the service is built from. */
export interface ApiServiceDeps {
  readonly store: ApiStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** Receives every compiled API after each change (the gateway's `setApis`). */
  readonly publish: (apis: DeployedApi[]) => void;
  /** Where a failing `publish` is reported (the change itself is already stored). */
  readonly logError?: ((message: string, error: unknown) => void) | undefined;
  /** Told after every change of an API, so that the other nodes of a cluster re-read it. */
  readonly onChange?: ((apiId: string) => void) | undefined;
  /** Whether a CloudWatch Logs group exists (access log destinations). Absent: none does. */
  readonly logGroupExists?: ((name: string) => Promise<boolean>) | undefined;
}

type Bound<F> = F extends (ctx: ApiGatewayContext, ...args: infer A) => infer R ? (...args: A) => R : never;
type BoundAll<T> = { readonly [K in keyof T]: Bound<T[K]> };

function bind<T extends Record<string, (ctx: ApiGatewayContext, ...args: never[]) => unknown>>(
  ctx: ApiGatewayContext,
  fns: T,
): BoundAll<T> {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fns)) out[name] = (...args: never[]) => fn(ctx, ...args);
  return out as BoundAll<T>;
}

const HTTP_OPERATIONS = {
  createApi: httpApis.createApi,
  getApi: httpApis.getApi,
  getApis: httpApis.getApis,
  updateApi: httpApis.updateApi,
  deleteApi: httpApis.deleteApi,
  createRoute: httpRoutes.createRoute,
  getRoute: httpRoutes.routes.get,
  getRoutes: httpRoutes.routes.list,
  updateRoute: httpRoutes.updateRoute,
  deleteRoute: httpRoutes.routes.remove,
  createIntegration: httpRoutes.createIntegration,
  getIntegration: httpRoutes.integrations.get,
  getIntegrations: httpRoutes.integrations.list,
  updateIntegration: httpRoutes.updateIntegration,
  deleteIntegration: httpRoutes.integrations.remove,
  createStage: httpStages.createStage,
  getStage: httpStages.stages.get,
  getStages: httpStages.stages.list,
  updateStage: httpStages.updateStage,
  deleteStage: httpStages.stages.remove,
  deleteRouteSettings: httpStages.deleteRouteSettings,
  deleteAccessLogSettings: httpStages.deleteAccessLogSettings,
  createAuthorizer: httpStages.createAuthorizer,
  getAuthorizer: httpStages.authorizers.get,
  getAuthorizers: httpStages.authorizers.list,
  deleteAuthorizer: httpStages.authorizers.remove,
  createDeployment: httpStages.createDeployment,
  getDeployments: httpStages.deployments.list,
  importApi: httpImport.importApi,
  reimportApi: httpImport.reimportApi,
  exportApi: httpExport.exportHttpApi,
};

const REST_OPERATIONS = {
  createRestApi: restApis.createRestApi,
  getRestApi: restApis.getRestApi,
  getRestApis: restApis.getRestApis,
  deleteRestApi: restApis.deleteRestApi,
  getResources: restApis.getResources,
  getResource: restApis.getResource,
  createResource: restApis.createResource,
  deleteResource: restApis.deleteResource,
  putMethod: restMethods.putMethod,
  getMethod: restMethods.getMethod,
  deleteMethod: restMethods.deleteMethod,
  putIntegration: restMethods.putIntegration,
  getIntegration: restMethods.getIntegration,
  deleteIntegration: restResponses.deleteIntegration,
  putMethodResponse: restResponses.putMethodResponse,
  getMethodResponse: restResponses.getMethodResponse,
  deleteMethodResponse: restResponses.deleteMethodResponse,
  putIntegrationResponse: restResponses.putIntegrationResponse,
  getIntegrationResponse: restResponses.getIntegrationResponse,
  deleteIntegrationResponse: restResponses.deleteIntegrationResponse,
  createDeployment: restDeployments.createDeployment,
  getDeployments: restDeployments.deployments.list,
  getDeployment: restDeployments.deployments.get,
  deleteDeployment: restDeployments.deleteDeployment,
  createStage: restDeployments.createStage,
  getStage: restDeployments.stages.get,
  getStages: restDeployments.getStages,
  updateStage: restDeployments.updateStage,
  deleteStage: restDeployments.stages.remove,
  flushStageAuthorizersCache: restDeployments.flushStageAuthorizersCache,
  flushStageCache: restDeployments.flushStageCache,
  createAuthorizer: restAuthorizers.createAuthorizer,
  getAuthorizer: restAuthorizers.authorizers.get,
  getAuthorizers: restAuthorizers.authorizers.list,
  deleteAuthorizer: restAuthorizers.authorizers.remove,
  updateRestApi: restUpdates.updateRestApi,
  updateResource: restUpdates.updateResource,
  updateMethod: restUpdates.updateMethod,
  updateIntegration: restUpdates.updateIntegration,
  updateMethodResponse: restUpdates.updateMethodResponse,
  updateIntegrationResponse: restUpdates.updateIntegrationResponse,
  updateAuthorizer: restUpdates.updateAuthorizer,
  updateDeployment: restUpdates.updateDeployment,
  putGatewayResponse: gatewayResponses.putGatewayResponse,
  getGatewayResponse: gatewayResponses.getGatewayResponse,
  getGatewayResponses: gatewayResponses.getGatewayResponses,
  updateGatewayResponse: gatewayResponses.updateGatewayResponse,
  deleteGatewayResponse: gatewayResponses.deleteGatewayResponse,
  importRestApi: restImport.importRestApi,
  testInvokeTarget: restTestInvoke.testInvokeTarget,
  testAuthorizerTarget: restTestInvoke.testAuthorizerTarget,
  putRestApi: restImport.putRestApi,
  exportRestApi: restExport.exportRestApi,
  createRequestValidator: restModels.createRequestValidator,
  getRequestValidator: restModels.getRequestValidator,
  getRequestValidators: restModels.getRequestValidators,
  updateRequestValidator: restModels.updateRequestValidator,
  deleteRequestValidator: restModels.deleteRequestValidator,
  createModel: restModels.createModel,
  getModel: restModels.getModel,
  getModels: restModels.getModels,
  updateModel: restModels.updateModel,
  deleteModel: restModels.deleteModel,
};

/** The v2 (HTTP API) operations. */
export type HttpApiOperations = BoundAll<typeof HTTP_OPERATIONS>;
/** The v1 (REST API) operations. */
export type RestApiOperations = BoundAll<typeof REST_OPERATIONS>;

/**
 * API Gateway's management side. `http` holds the v2 operations, `rest` the v1 ones.
 * @example const apis = new ApiService({ store, clock, ids, region, accountId, publish: (a) => gateway.setApis(a) });
 *   await apis.start(); await apis.http.createApi({ name: "x", protocolType: "HTTP", target: fnArn });
 */
export class ApiService {
  readonly http: HttpApiOperations;
  readonly rest: RestApiOperations;
  readonly region: string;
  readonly accountId: string;
  readonly #deps: ApiServiceDeps;
  readonly #ctx: ApiGatewayContext;
  readonly #compiled = new Map<string, DeployedApi>();

  constructor(deps: ApiServiceDeps) {
    this.#deps = deps;
    this.region = deps.region;
    this.accountId = deps.accountId;
    this.#ctx = {
      store: deps.store,
      clock: deps.clock,
      ids: deps.ids,
      region: deps.region,
      accountId: deps.accountId,
      lock: new KeyedLock(),
      logGroupExists: deps.logGroupExists ?? (() => Promise.resolve(false)),
      changed: (apiId) =>
        this.#recompile(apiId, true)
          .then(() => this.#publish())
          .finally(() => deps.onChange?.(apiId)),
    };
    this.http = bind(this.#ctx, HTTP_OPERATIONS);
    this.rest = bind(this.#ctx, REST_OPERATIONS);
  }

  /** Compiles every stored API and publishes them (call once at node start). */
  async start(): Promise<void> {
    await this.reload();
  }

  /**
   * Recompiles `apiId` (or every API) from the store and publishes: at start, and for changes made
   * by another node (`remote`), which has made the automatic deployments of its change itself.
   */
  async reload(apiId?: string, options: { readonly remote?: boolean } = {}): Promise<void> {
    const autoDeploy = options.remote !== true;
    if (apiId !== undefined) {
      await this.#ctx.lock.run(apiId, () => this.#recompile(apiId, autoDeploy));
    } else {
      const apis = await this.#deps.store.listApis();
      const stored = new Set(apis.map((a) => a.apiId));
      for (const apiId of this.#compiled.keys()) if (!stored.has(apiId)) this.#compiled.delete(apiId);
      for (const api of apis) await this.#ctx.lock.run(api.apiId, () => this.#recompile(api.apiId, autoDeploy));
    }
    this.#publish();
  }

  /** The compiled APIs as last published. */
  deployed(): DeployedApi[] {
    return [...this.#compiled.values()];
  }

  async #recompile(apiId: string, deploy: boolean): Promise<void> {
    let model = await this.#deps.store.loadModel(apiId);
    if (deploy && model?.api.protocol === "HTTP") model = await autoDeploy(this.#ctx, model);
    if (model) this.#compiled.set(apiId, compileApi(model));
    else this.#compiled.delete(apiId);
  }

  #publish(): void {
    try {
      this.#deps.publish(this.deployed());
    } catch (e) {
      (this.#deps.logError ?? defaultLogError)("publishing APIs to the gateway failed", e);
    }
  }
}

function defaultLogError(message: string, error: unknown): void {
  console.error(`haneul: ${message}:`, error);
}
