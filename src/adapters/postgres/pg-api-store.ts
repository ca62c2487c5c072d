import type {
  ApiModel,
  ApiProtocol,
  ApiRecord,
  ApiStore,
  ApiWriteResult,
  AuthorizerRecord,
  DeploymentRecord,
  IntegrationRecord,
  MethodRecord,
  ResourceRecord,
  RouteRecord,
  StageRecord,
} from "../../ports/api-store.js";
import { body, parse, resourceParams, routeParams, stageParams } from "../sqlite/api-rows.js";
import type { Row } from "../sqlite/rows.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/apigw.js";
import type { ApiChildTable } from "./sql/apigw.js";

const T = sql.CHILD_TABLES;

/** What PostgreSQL reports when a constraint refuses a write. */
function constraintOf(e: unknown): "unique" | "foreign-key" | undefined {
  const code = (e as { code?: unknown }).code;
  if (code === "23505") return "unique";
  if (code === "23503") return "foreign-key";
  return undefined;
}

/**
 * The ApiStore on PostgreSQL. Uniqueness (route keys, sibling path parts, stage names) is a
 * constraint checked in the same statement as the write, so two nodes cannot both win.
 */
export class PgApiStore implements ApiStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  insertApi(api: ApiRecord, root?: ResourceRecord): Promise<boolean> {
    const db = this.#db;
    return db.transaction(async (tx) => {
      const row = { api_id: api.apiId, protocol: api.protocol, created_at: api.createdAt, body: body(api) };
      if (!(await sql.insertApi(db, tx, row))) return false;
      if (root) await sql.insertChild(db, T.resources, resourceParams(root), tx);
      return true;
    });
  }

  async getApi(apiId: string): Promise<ApiRecord | undefined> {
    const row = await sql.selectApi(this.#db, apiId);
    return row && parse<ApiRecord>(row);
  }

  async listApis(protocol?: ApiProtocol): Promise<ApiRecord[]> {
    return (await sql.selectApis(this.#db, protocol ?? null)).map((r) => parse<ApiRecord>(r));
  }

  updateApi(api: ApiRecord): Promise<boolean> {
    return sql.updateApi(this.#db, api.apiId, body(api));
  }

  deleteApi(apiId: string): Promise<boolean> {
    return sql.deleteApi(this.#db, apiId);
  }

  loadModel(apiId: string): Promise<ApiModel | undefined> {
    const db = this.#db;
    // One REPEATABLE READ transaction: a consistent snapshot even while other nodes write.
    return db.transaction(
      async (tx): Promise<ApiModel | undefined> => {
        const apiRow = await sql.selectApi(db, apiId, tx);
        if (!apiRow) return undefined;
        const all = async <R>(t: ApiChildTable): Promise<R[]> =>
          (await sql.selectChildren(db, t, apiId, tx)).map((r) => parse<R>(r));
        return {
          api: parse<ApiRecord>(apiRow),
          routes: await all<RouteRecord>(T.routes),
          integrations: await all<IntegrationRecord>(T.integrations),
          stages: await all<StageRecord>(T.stages),
          authorizers: await all<AuthorizerRecord>(T.authorizers),
          resources: await all<ResourceRecord>(T.resources),
          methods: await all<MethodRecord>(T.methods),
          deployments: await all<DeploymentRecord>(T.deployments),
        };
      },
      { isolation: "REPEATABLE READ", readOnly: true },
    );
  }

  insertRoute(route: RouteRecord): Promise<ApiWriteResult> {
    return this.#insert(T.routes, routeParams(route));
  }

  async updateRoute(route: RouteRecord): Promise<ApiWriteResult> {
    try {
      return (await sql.updateChild(this.#db, T.routes, routeParams(route))) ? "ok" : "missing-parent";
    } catch (e) {
      if (constraintOf(e) === "unique") return "conflict";
      throw e;
    }
  }

  getRoute(apiId: string, routeId: string): Promise<RouteRecord | undefined> {
    return this.#get(T.routes, [apiId, routeId]);
  }

  listRoutes(apiId: string): Promise<RouteRecord[]> {
    return this.#list(T.routes, apiId);
  }

  deleteRoute(apiId: string, routeId: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.routes, [apiId, routeId]);
  }

  putIntegration(integration: IntegrationRecord): Promise<ApiWriteResult> {
    const p = { api_id: integration.apiId, integration_id: integration.integrationId, body: body(integration) };
    return this.#upsert(T.integrations, p);
  }

  getIntegration(apiId: string, integrationId: string): Promise<IntegrationRecord | undefined> {
    return this.#get(T.integrations, [apiId, integrationId]);
  }

  listIntegrations(apiId: string): Promise<IntegrationRecord[]> {
    return this.#list(T.integrations, apiId);
  }

  deleteIntegration(apiId: string, integrationId: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.integrations, [apiId, integrationId]);
  }

  insertStage(stage: StageRecord): Promise<ApiWriteResult> {
    return this.#insert(T.stages, stageParams(stage));
  }

  updateStage(stage: StageRecord): Promise<boolean> {
    return sql.updateChild(this.#db, T.stages, stageParams(stage));
  }

  getStage(apiId: string, stageName: string): Promise<StageRecord | undefined> {
    return this.#get(T.stages, [apiId, stageName]);
  }

  listStages(apiId: string): Promise<StageRecord[]> {
    return this.#list(T.stages, apiId);
  }

  deleteStage(apiId: string, stageName: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.stages, [apiId, stageName]);
  }

  putAuthorizer(authorizer: AuthorizerRecord): Promise<ApiWriteResult> {
    const p = { api_id: authorizer.apiId, authorizer_id: authorizer.authorizerId, body: body(authorizer) };
    return this.#upsert(T.authorizers, p);
  }

  getAuthorizer(apiId: string, authorizerId: string): Promise<AuthorizerRecord | undefined> {
    return this.#get(T.authorizers, [apiId, authorizerId]);
  }

  listAuthorizers(apiId: string): Promise<AuthorizerRecord[]> {
    return this.#list(T.authorizers, apiId);
  }

  deleteAuthorizer(apiId: string, authorizerId: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.authorizers, [apiId, authorizerId]);
  }

  insertResource(resource: ResourceRecord): Promise<ApiWriteResult> {
    return this.#insert(T.resources, resourceParams(resource));
  }

  getResource(apiId: string, resourceId: string): Promise<ResourceRecord | undefined> {
    return this.#get(T.resources, [apiId, resourceId]);
  }

  listResources(apiId: string): Promise<ResourceRecord[]> {
    return this.#list(T.resources, apiId);
  }

  async updateResources(resources: readonly ResourceRecord[]): Promise<ApiWriteResult> {
    const db = this.#db;
    try {
      return await db.transaction(async (tx): Promise<ApiWriteResult> => {
        for (const r of resources) {
          if (!(await sql.updateChild(db, T.resources, resourceParams(r), tx))) throw new MissingRow();
        }
        return "ok";
      });
    } catch (e) {
      if (e instanceof MissingRow || constraintOf(e) === "foreign-key") return "missing-parent";
      if (constraintOf(e) === "unique") return "conflict";
      throw e;
    }
  }

  deleteResource(apiId: string, resourceId: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.resources, [apiId, resourceId]);
  }

  putMethod(method: MethodRecord): Promise<ApiWriteResult> {
    const p = {
      api_id: method.apiId,
      resource_id: method.resourceId,
      http_method: method.httpMethod,
      body: body(method),
    };
    return this.#upsert(T.methods, p);
  }

  getMethod(apiId: string, resourceId: string, httpMethod: string): Promise<MethodRecord | undefined> {
    return this.#get(T.methods, [apiId, resourceId, httpMethod]);
  }

  listMethods(apiId: string): Promise<MethodRecord[]> {
    return this.#list(T.methods, apiId);
  }

  deleteMethod(apiId: string, resourceId: string, httpMethod: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.methods, [apiId, resourceId, httpMethod]);
  }

  insertDeployment(deployment: DeploymentRecord): Promise<ApiWriteResult> {
    const p = {
      api_id: deployment.apiId,
      deployment_id: deployment.deploymentId,
      created_at: deployment.createdAt,
      body: body(deployment),
    };
    return this.#insert(T.deployments, p);
  }

  getDeployment(apiId: string, deploymentId: string): Promise<DeploymentRecord | undefined> {
    return this.#get(T.deployments, [apiId, deploymentId]);
  }

  listDeployments(apiId: string): Promise<DeploymentRecord[]> {
    return this.#list(T.deployments, apiId);
  }

  updateDeployment(deployment: DeploymentRecord): Promise<boolean> {
    return sql.updateChild(this.#db, T.deployments, {
      api_id: deployment.apiId,
      deployment_id: deployment.deploymentId,
      created_at: deployment.createdAt,
      body: body(deployment),
    });
  }

  deleteDeployment(apiId: string, deploymentId: string): Promise<boolean> {
    return sql.deleteChild(this.#db, T.deployments, [apiId, deploymentId]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }

  async #insert(t: ApiChildTable, p: Row): Promise<ApiWriteResult> {
    try {
      return (await sql.insertChild(this.#db, t, p)) ? "ok" : "conflict";
    } catch (e) {
      if (constraintOf(e) === "foreign-key") return "missing-parent";
      throw e;
    }
  }

  async #upsert(t: ApiChildTable, p: Row): Promise<ApiWriteResult> {
    try {
      await sql.upsertChild(this.#db, t, p);
      return "ok";
    } catch (e) {
      if (constraintOf(e) === "foreign-key") return "missing-parent";
      throw e;
    }
  }

  async #get<R>(t: ApiChildTable, key: readonly string[]): Promise<R | undefined> {
    const row = await sql.selectChild(this.#db, t, key);
    return row && parse<R>(row);
  }

  async #list<R>(t: ApiChildTable, apiId: string): Promise<R[]> {
    return (await sql.selectChildren(this.#db, t, apiId)).map((r) => parse<R>(r));
  }
}

/** Rolls a multi-row update back when one row is gone. */
class MissingRow extends Error {}
