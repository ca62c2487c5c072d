import {
  type ApplicationRecord,
  type CreateDeploymentResult,
  type DeploymentConfigRecord,
  type DeploymentGroupRecord,
  type DeploymentQuery,
  type DeploymentRecord,
  type DeploymentStore,
} from "../../ports/deployment-store.js";
import { activeKeys } from "../sqlite/deployment-store.js";
import type { PgDatabase } from "./database.js";

const parse = <T>(rows: { body: string }[]): T[] => rows.map((r) => JSON.parse(r.body) as T);

/** The DeploymentStore on PostgreSQL, shared by the nodes of a cluster (the leader drives deployments). */
export class PgDeploymentStore implements DeploymentStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async #changed(sql: string, params: unknown[]): Promise<boolean> {
    return (await this.#db.run(sql, params)) === 1;
  }

  async #all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return parse<T>(await this.#db.rows<{ body: string }>(sql, params));
  }

  async #one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.#all<T>(sql, params))[0];
  }

  createApplication(app: ApplicationRecord): Promise<boolean> {
    return this.#changed("INSERT INTO cd_applications (name, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      app.name,
      JSON.stringify(app),
    ]);
  }

  getApplication(name: string): Promise<ApplicationRecord | undefined> {
    return this.#one("SELECT body FROM cd_applications WHERE name = $1", [name]);
  }

  listApplications(): Promise<ApplicationRecord[]> {
    return this.#all("SELECT body FROM cd_applications ORDER BY name");
  }

  deleteApplication(name: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await this.#db.run("DELETE FROM cd_deployment_groups WHERE application = $1", [name], q);
      return (await this.#db.run("DELETE FROM cd_applications WHERE name = $1", [name], q)) === 1;
    });
  }

  createDeploymentGroup(g: DeploymentGroupRecord): Promise<boolean> {
    return this.#changed(
      "INSERT INTO cd_deployment_groups (application, name, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [g.applicationName, g.name, JSON.stringify(g)],
    );
  }

  async updateDeploymentGroup(currentName: string, g: DeploymentGroupRecord): Promise<boolean> {
    try {
      return await this.#changed(
        "UPDATE cd_deployment_groups SET name = $1, body = $2 WHERE application = $3 AND name = $4",
        [g.name, JSON.stringify(g), g.applicationName, currentName],
      );
    } catch (e) {
      // The new name is another group's (the primary key says so).
      if ((e as { cause?: { code?: string } }).cause?.code === "23505" || (e as { code?: string }).code === "23505")
        return false;
      throw e;
    }
  }

  getDeploymentGroup(applicationName: string, name: string): Promise<DeploymentGroupRecord | undefined> {
    return this.#one("SELECT body FROM cd_deployment_groups WHERE application = $1 AND name = $2", [
      applicationName,
      name,
    ]);
  }

  listDeploymentGroups(applicationName: string): Promise<DeploymentGroupRecord[]> {
    return this.#all("SELECT body FROM cd_deployment_groups WHERE application = $1 ORDER BY name", [applicationName]);
  }

  deleteDeploymentGroup(applicationName: string, name: string): Promise<boolean> {
    return this.#changed("DELETE FROM cd_deployment_groups WHERE application = $1 AND name = $2", [
      applicationName,
      name,
    ]);
  }

  createDeploymentConfig(c: DeploymentConfigRecord): Promise<boolean> {
    return this.#changed("INSERT INTO cd_deployment_configs (name, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      c.name,
      JSON.stringify(c),
    ]);
  }

  getDeploymentConfig(name: string): Promise<DeploymentConfigRecord | undefined> {
    return this.#one("SELECT body FROM cd_deployment_configs WHERE name = $1", [name]);
  }

  listDeploymentConfigs(): Promise<DeploymentConfigRecord[]> {
    return this.#all("SELECT body FROM cd_deployment_configs ORDER BY name");
  }

  deleteDeploymentConfig(name: string): Promise<boolean> {
    return this.#changed("DELETE FROM cd_deployment_configs WHERE name = $1", [name]);
  }

  async createDeployment(d: DeploymentRecord): Promise<CreateDeploymentResult> {
    const [alias, group] = activeKeys(d);
    const inserted = await this.#changed(
      `INSERT INTO cd_deployments
       (id, application, group_name, status, created_at, active_alias, active_group, revision, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [d.id, d.applicationName, d.groupName, d.status, d.createdAt, alias, group, d.revision, JSON.stringify(d)],
    );
    if (inserted) return { kind: "ok" };
    const active = await this.#one<DeploymentRecord>(
      "SELECT body FROM cd_deployments WHERE active_alias = $1 OR active_group = $2",
      [alias, group],
    );
    if (!active) throw new Error(`deployment ${d.id} exists`);
    return { kind: "active", active };
  }

  saveDeployment(d: DeploymentRecord): Promise<boolean> {
    const [alias, group] = activeKeys(d);
    return this.#changed(
      `UPDATE cd_deployments SET status = $1, active_alias = $2, active_group = $3, revision = $4, body = $5
       WHERE id = $6 AND revision = $7`,
      [d.status, alias, group, d.revision, JSON.stringify(d), d.id, d.revision - 1],
    );
  }

  getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    return this.#one("SELECT body FROM cd_deployments WHERE id = $1", [id]);
  }

  async listDeployments(q: DeploymentQuery): Promise<DeploymentRecord[]> {
    const all = await this.#all<DeploymentRecord>(
      `SELECT body FROM cd_deployments WHERE ($1::text IS NULL OR application = $1) AND ($2::text IS NULL OR group_name = $2)
       ORDER BY created_at DESC, id DESC`,
      [q.applicationName ?? null, q.groupName ?? null],
    );
    return q.statuses?.length ? all.filter((d) => q.statuses?.includes(d.status)) : all;
  }

  listActiveDeployments(): Promise<DeploymentRecord[]> {
    return this.#all("SELECT body FROM cd_deployments WHERE active_alias IS NOT NULL ORDER BY created_at, id");
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
