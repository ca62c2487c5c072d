import type { Database } from "better-sqlite3";
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
import { body, constraintOf, parse, resourceParams, routeParams, stageParams } from "./api-rows.js";
import { closeDatabase, openDatabase, type SqliteDatabaseOptions, settle } from "./database.js";
import type { Row } from "./rows.js";
import * as sql from "./sql/apigw.js";
import type { ApiChildTable } from "./sql/apigw.js";

const T = sql.CHILD_TABLES;

/** Where the ApiStore keeps its data; `path` may be the Lambda store's file. */
export type SqliteApiStoreOptions = SqliteDatabaseOptions;

/**
 * The ApiStore on one SQLite file (WAL) or in memory. It opens its own connection, so it can share
 * the Lambda store's file: migrations are numbered in one folder and recorded once per file.
 */
export class SqliteApiStore implements ApiStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteApiStoreOptions): SqliteApiStore {
    return new SqliteApiStore(openDatabase(options));
  }

  insertApi(api: ApiRecord, root?: ResourceRecord): Promise<boolean> {
    return settle(() => {
      const db = this.#db;
      return db
        .transaction((): boolean => {
          const row = { api_id: api.apiId, protocol: api.protocol, created_at: api.createdAt, body: body(api) };
          if (!sql.insertApi(db, row)) return false;
          if (root) sql.insertChild(db, T.resources, resourceParams(root));
          return true;
        })
        .immediate();
    });
  }

  getApi(apiId: string): Promise<ApiRecord | undefined> {
    return settle(() => {
      const row = sql.selectApi(this.#db, apiId);
      return row && parse<ApiRecord>(row);
    });
  }

  listApis(protocol?: ApiProtocol): Promise<ApiRecord[]> {
    return settle(() => sql.selectApis(this.#db, protocol ?? null).map((r) => parse<ApiRecord>(r)));
  }

  updateApi(api: ApiRecord): Promise<boolean> {
    return settle(() => sql.updateApi(this.#db, api.apiId, body(api)));
  }

  deleteApi(apiId: string): Promise<boolean> {
    return settle(() => sql.deleteApi(this.#db, apiId));
  }

  loadModel(apiId: string): Promise<ApiModel | undefined> {
    return settle(() => {
      const db = this.#db;
      // One read transaction: a consistent snapshot even while another connection writes.
      return db.transaction((): ApiModel | undefined => {
        const apiRow = sql.selectApi(db, apiId);
        if (!apiRow) return undefined;
        const all = <R>(t: ApiChildTable): R[] => sql.selectChildren(db, t, apiId).map((r) => parse<R>(r));
        return {
          api: parse<ApiRecord>(apiRow),
          routes: all<RouteRecord>(T.routes),
          integrations: all<IntegrationRecord>(T.integrations),
          stages: all<StageRecord>(T.stages),
          authorizers: all<AuthorizerRecord>(T.authorizers),
          resources: all<ResourceRecord>(T.resources),
          methods: all<MethodRecord>(T.methods),
          deployments: all<DeploymentRecord>(T.deployments),
        };
      })();
    });
  }

  insertRoute(route: RouteRecord): Promise<ApiWriteResult> {
    return settle(() => this.#insert(T.routes, routeParams(route)));
  }

  updateRoute(route: RouteRecord): Promise<ApiWriteResult> {
    return settle(() => {
      try {
        return sql.updateChild(this.#db, T.routes, routeParams(route)) ? "ok" : "missing-parent";
      } catch (e) {
        if (constraintOf(e) === "unique") return "conflict";
        throw e;
      }
    });
  }

  getRoute(apiId: string, routeId: string): Promise<RouteRecord | undefined> {
    return settle(() => this.#get(T.routes, [apiId, routeId]));
  }

  listRoutes(apiId: string): Promise<RouteRecord[]> {
    return settle(() => this.#list(T.routes, apiId));
  }

  deleteRoute(apiId: string, routeId: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.routes, [apiId, routeId]));
  }

  putIntegration(integration: IntegrationRecord): Promise<ApiWriteResult> {
    return settle(() =>
      this.#upsert(T.integrations, {
        api_id: integration.apiId,
        integration_id: integration.integrationId,
        body: body(integration),
      }),
    );
  }

  getIntegration(apiId: string, integrationId: string): Promise<IntegrationRecord | undefined> {
    return settle(() => this.#get(T.integrations, [apiId, integrationId]));
  }

  listIntegrations(apiId: string): Promise<IntegrationRecord[]> {
    return settle(() => this.#list(T.integrations, apiId));
  }

  deleteIntegration(apiId: string, integrationId: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.integrations, [apiId, integrationId]));
  }

  insertStage(stage: StageRecord): Promise<ApiWriteResult> {
    return settle(() => this.#insert(T.stages, stageParams(stage)));
  }

  updateStage(stage: StageRecord): Promise<boolean> {
    return settle(() => sql.updateChild(this.#db, T.stages, stageParams(stage)));
  }

  getStage(apiId: string, stageName: string): Promise<StageRecord | undefined> {
    return settle(() => this.#get(T.stages, [apiId, stageName]));
  }

  listStages(apiId: string): Promise<StageRecord[]> {
    return settle(() => this.#list(T.stages, apiId));
  }

  deleteStage(apiId: string, stageName: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.stages, [apiId, stageName]));
  }

  putAuthorizer(authorizer: AuthorizerRecord): Promise<ApiWriteResult> {
    return settle(() => {
      const p = { api_id: authorizer.apiId, authorizer_id: authorizer.authorizerId, body: body(authorizer) };
      return this.#upsert(T.authorizers, p);
    });
  }

  getAuthorizer(apiId: string, authorizerId: string): Promise<AuthorizerRecord | undefined> {
    return settle(() => this.#get(T.authorizers, [apiId, authorizerId]));
  }

  listAuthorizers(apiId: string): Promise<AuthorizerRecord[]> {
    return settle(() => this.#list(T.authorizers, apiId));
  }

  deleteAuthorizer(apiId: string, authorizerId: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.authorizers, [apiId, authorizerId]));
  }

  insertResource(resource: ResourceRecord): Promise<ApiWriteResult> {
    return settle(() => this.#insert(T.resources, resourceParams(resource)));
  }

  getResource(apiId: string, resourceId: string): Promise<ResourceRecord | undefined> {
    return settle(() => this.#get(T.resources, [apiId, resourceId]));
  }

  listResources(apiId: string): Promise<ResourceRecord[]> {
    return settle(() => this.#list(T.resources, apiId));
  }

  updateResources(resources: readonly ResourceRecord[]): Promise<ApiWriteResult> {
    return settle(() => {
      const db = this.#db;
      try {
        return db.transaction((): ApiWriteResult => {
          for (const r of resources) {
            if (!sql.updateChild(db, T.resources, resourceParams(r))) throw new MissingRow();
          }
          return "ok";
        })();
      } catch (e) {
        if (e instanceof MissingRow || constraintOf(e) === "foreign-key") return "missing-parent";
        if (constraintOf(e) === "unique") return "conflict";
        throw e;
      }
    });
  }

  deleteResource(apiId: string, resourceId: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.resources, [apiId, resourceId]));
  }

  putMethod(method: MethodRecord): Promise<ApiWriteResult> {
    return settle(() => {
      const p = {
        api_id: method.apiId,
        resource_id: method.resourceId,
        http_method: method.httpMethod,
        body: body(method),
      };
      return this.#upsert(T.methods, p);
    });
  }

  getMethod(apiId: string, resourceId: string, httpMethod: string): Promise<MethodRecord | undefined> {
    return settle(() => this.#get(T.methods, [apiId, resourceId, httpMethod]));
  }

  listMethods(apiId: string): Promise<MethodRecord[]> {
    return settle(() => this.#list(T.methods, apiId));
  }

  deleteMethod(apiId: string, resourceId: string, httpMethod: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.methods, [apiId, resourceId, httpMethod]));
  }

  insertDeployment(deployment: DeploymentRecord): Promise<ApiWriteResult> {
    return settle(() => {
      const p = {
        api_id: deployment.apiId,
        deployment_id: deployment.deploymentId,
        created_at: deployment.createdAt,
        body: body(deployment),
      };
      return this.#insert(T.deployments, p);
    });
  }

  getDeployment(apiId: string, deploymentId: string): Promise<DeploymentRecord | undefined> {
    return settle(() => this.#get(T.deployments, [apiId, deploymentId]));
  }

  listDeployments(apiId: string): Promise<DeploymentRecord[]> {
    return settle(() => this.#list(T.deployments, apiId));
  }

  updateDeployment(deployment: DeploymentRecord): Promise<boolean> {
    return settle(() =>
      sql.updateChild(this.#db, T.deployments, {
        api_id: deployment.apiId,
        deployment_id: deployment.deploymentId,
        created_at: deployment.createdAt,
        body: body(deployment),
      }),
    );
  }

  deleteDeployment(apiId: string, deploymentId: string): Promise<boolean> {
    return settle(() => sql.deleteChild(this.#db, T.deployments, [apiId, deploymentId]));
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }

  #insert(t: ApiChildTable, p: Row): ApiWriteResult {
    try {
      return sql.insertChild(this.#db, t, p) ? "ok" : "conflict";
    } catch (e) {
      if (constraintOf(e) === "foreign-key") return "missing-parent";
      throw e;
    }
  }

  #upsert(t: ApiChildTable, p: Row): ApiWriteResult {
    try {
      sql.upsertChild(this.#db, t, p);
      return "ok";
    } catch (e) {
      if (constraintOf(e) === "foreign-key") return "missing-parent";
      throw e;
    }
  }

  #get<R>(t: ApiChildTable, key: readonly string[]): R | undefined {
    const row = sql.selectChild(this.#db, t, key);
    return row && parse<R>(row);
  }

  #list<R>(t: ApiChildTable, apiId: string): R[] {
    return sql.selectChildren(this.#db, t, apiId).map((r) => parse<R>(r));
  }
}

/** Rolls a multi-row update back when one row is gone. */
class MissingRow extends Error {}
