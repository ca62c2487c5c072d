/** Reads, deletes and new ids of the records that belong to an API (routes, stages, …), as AWS answers them. */
import type {
  ApiProtocol,
  ApiStore,
  AuthorizerRecord,
  DeploymentRecord,
  IntegrationRecord,
  RouteRecord,
  StageRecord,
} from "../../ports/api-store.js";
import type { PlatformError } from "../../shared/errors.js";
import { type ApiGatewayContext, freshId, mutateApi, notFound, requireApi } from "./context.js";

/** How the store reads, lists and deletes one kind of record that belongs to an API. */
export interface ApiChildStore<T> {
  /** The record's identifier within its API. */
  readonly idOf: (record: T) => string;
  /** How long AWS's generated ids of this kind are (absent where the caller names the record). */
  readonly idLength?: number;
  readonly get: (store: ApiStore, apiId: string, id: string) => Promise<T | undefined>;
  readonly list: (store: ApiStore, apiId: string) => Promise<T[]>;
  readonly remove: (store: ApiStore, apiId: string, id: string) => Promise<boolean>;
}

/** A kind of record whose ids AWS generates. */
export type GeneratedIds<T> = ApiChildStore<T> & { readonly idLength: number };

/** HTTP API routes. */
export const ROUTES: GeneratedIds<RouteRecord> = {
  idLength: 7,
  idOf: (r) => r.routeId,
  get: (store, apiId, id) => store.getRoute(apiId, id),
  list: (store, apiId) => store.listRoutes(apiId),
  remove: (store, apiId, id) => store.deleteRoute(apiId, id),
};

/** HTTP API integrations. */
export const INTEGRATIONS: GeneratedIds<IntegrationRecord> = {
  idLength: 7,
  idOf: (i) => i.integrationId,
  get: (store, apiId, id) => store.getIntegration(apiId, id),
  list: (store, apiId) => store.listIntegrations(apiId),
  remove: (store, apiId, id) => store.deleteIntegration(apiId, id),
};

/** Stages, by name. */
export const STAGES: ApiChildStore<StageRecord> = {
  idOf: (s) => s.stageName,
  get: (store, apiId, name) => store.getStage(apiId, name),
  list: (store, apiId) => store.listStages(apiId),
  remove: (store, apiId, name) => store.deleteStage(apiId, name),
};

/** Authorizers. */
export const AUTHORIZERS: GeneratedIds<AuthorizerRecord> = {
  idLength: 6,
  idOf: (a) => a.authorizerId,
  get: (store, apiId, id) => store.getAuthorizer(apiId, id),
  list: (store, apiId) => store.listAuthorizers(apiId),
  remove: (store, apiId, id) => store.deleteAuthorizer(apiId, id),
};

/** Deployments, oldest first. */
export const DEPLOYMENTS: GeneratedIds<DeploymentRecord> = {
  idLength: 6,
  idOf: (d) => d.deploymentId,
  get: (store, apiId, id) => store.getDeployment(apiId, id),
  list: (store, apiId) => store.listDeployments(apiId),
  remove: (store, apiId, id) => store.deleteDeployment(apiId, id),
};

/** A new id for a record of `children` that none of `siblings` has. */
export function newChildId<T>(ctx: ApiGatewayContext, children: GeneratedIds<T>, siblings: readonly T[]): string {
  return freshId(ctx, children.idLength, siblings.map(children.idOf));
}

/** A new id for a record of `children` of `apiId` that none of the API's records of that kind has. */
export async function freshChildId<T>(
  ctx: ApiGatewayContext,
  children: GeneratedIds<T>,
  apiId: string,
): Promise<string> {
  return newChildId(ctx, children, await children.list(ctx.store, apiId));
}

/** AWS's v2 (HTTP API) answer for a missing record: `Invalid {noun} identifier specified {id}`. */
export function httpNotFound(resourceType: string, noun = resourceType): (id: string) => PlatformError {
  return (id) => notFound(`Invalid ${noun} identifier specified ${id}`, { resourceType });
}

/** GetX, GetXs and DeleteX of one kind of record of the APIs of one protocol. */
export interface ApiChildOperations<T> {
  /** The record `id` of `apiId`, or AWS's not-found answer (also for an unknown API). */
  readonly get: (ctx: ApiGatewayContext, apiId: string, id: string) => Promise<T>;
  /** All records of `apiId`. */
  readonly list: (ctx: ApiGatewayContext, apiId: string) => Promise<T[]>;
  /** Deletes the record `id` of `apiId` (then recompiles the API), or throws AWS's not-found answer. */
  readonly remove: (ctx: ApiGatewayContext, apiId: string, id: string) => Promise<void>;
}

/** The operations on `children` of `protocol` APIs; `notFound` is AWS's answer for a missing one. */
export function apiChildOperations<T>(
  protocol: ApiProtocol,
  children: ApiChildStore<T>,
  notFound: (id: string) => PlatformError,
): ApiChildOperations<T> {
  return {
    async get(ctx, apiId, id) {
      await requireApi(ctx, apiId, protocol);
      const child = await children.get(ctx.store, apiId, id);
      if (!child) throw notFound(id);
      return child;
    },
    async list(ctx, apiId) {
      await requireApi(ctx, apiId, protocol);
      return children.list(ctx.store, apiId);
    },
    async remove(ctx, apiId, id) {
      await mutateApi(ctx, apiId, protocol, async () => {
        if (!(await children.remove(ctx.store, apiId, id))) throw notFound(id);
      });
    },
  };
}
