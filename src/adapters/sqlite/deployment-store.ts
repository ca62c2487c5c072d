import type { Database } from "better-sqlite3";
import {
  aliasKey,
  FINAL_STATUSES,
  type ApplicationRecord,
  type CreateDeploymentResult,
  type DeploymentConfigRecord,
  type DeploymentGroupRecord,
  type DeploymentQuery,
  type DeploymentRecord,
  type DeploymentStore,
} from "../../ports/deployment-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

type Body = { body: string };
const parse = <T>(rows: unknown[]): T[] => (rows as Body[]).map((r) => JSON.parse(r.body) as T);

/** The columns that keep one active deployment per alias and per group (null once final). */
export function activeKeys(d: DeploymentRecord): [string | null, string | null] {
  if (FINAL_STATUSES.includes(d.status)) return [null, null];
  return [aliasKey(d.target), `${d.applicationName}\n${d.groupName}`];
}

/** The DeploymentStore on one SQLite file (WAL) or in memory; it may share the node's database file. */
export class SqliteDeploymentStore implements DeploymentStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteDeploymentStore {
    return new SqliteDeploymentStore(openDatabase(options));
  }

  #insert(sql: string, ...args: unknown[]): Promise<boolean> {
    return settle(() => stmt(this.#db, sql).run(...args).changes === 1);
  }

  #one<T>(sql: string, ...args: unknown[]): Promise<T | undefined> {
    return settle(() => parse<T>(stmt(this.#db, sql).all(...args))[0]);
  }

  #all<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return settle(() => parse<T>(stmt(this.#db, sql).all(...args)));
  }

  createApplication(app: ApplicationRecord): Promise<boolean> {
    return this.#insert(
      "INSERT OR IGNORE INTO cd_applications (name, body) VALUES (?, ?)",
      app.name,
      JSON.stringify(app),
    );
  }

  getApplication(name: string): Promise<ApplicationRecord | undefined> {
    return this.#one("SELECT body FROM cd_applications WHERE name = ?", name);
  }

  listApplications(): Promise<ApplicationRecord[]> {
    return this.#all("SELECT body FROM cd_applications ORDER BY name");
  }

  deleteApplication(name: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        stmt(this.#db, "DELETE FROM cd_deployment_groups WHERE application = ?").run(name);
        return stmt(this.#db, "DELETE FROM cd_applications WHERE name = ?").run(name).changes === 1;
      })(),
    );
  }

  createDeploymentGroup(g: DeploymentGroupRecord): Promise<boolean> {
    return this.#insert(
      "INSERT OR IGNORE INTO cd_deployment_groups (application, name, body) VALUES (?, ?, ?)",
      g.applicationName,
      g.name,
      JSON.stringify(g),
    );
  }

  updateDeploymentGroup(currentName: string, g: DeploymentGroupRecord): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        if (currentName !== g.name) {
          const taken = stmt(this.#db, "SELECT 1 FROM cd_deployment_groups WHERE application = ? AND name = ?");
          if (taken.get(g.applicationName, g.name)) return false;
        }
        return (
          stmt(this.#db, "UPDATE cd_deployment_groups SET name = ?, body = ? WHERE application = ? AND name = ?").run(
            g.name,
            JSON.stringify(g),
            g.applicationName,
            currentName,
          ).changes === 1
        );
      })(),
    );
  }

  getDeploymentGroup(applicationName: string, name: string): Promise<DeploymentGroupRecord | undefined> {
    return this.#one("SELECT body FROM cd_deployment_groups WHERE application = ? AND name = ?", applicationName, name);
  }

  listDeploymentGroups(applicationName: string): Promise<DeploymentGroupRecord[]> {
    return this.#all("SELECT body FROM cd_deployment_groups WHERE application = ? ORDER BY name", applicationName);
  }

  deleteDeploymentGroup(applicationName: string, name: string): Promise<boolean> {
    return this.#insert("DELETE FROM cd_deployment_groups WHERE application = ? AND name = ?", applicationName, name);
  }

  createDeploymentConfig(c: DeploymentConfigRecord): Promise<boolean> {
    return this.#insert(
      "INSERT OR IGNORE INTO cd_deployment_configs (name, body) VALUES (?, ?)",
      c.name,
      JSON.stringify(c),
    );
  }

  getDeploymentConfig(name: string): Promise<DeploymentConfigRecord | undefined> {
    return this.#one("SELECT body FROM cd_deployment_configs WHERE name = ?", name);
  }

  listDeploymentConfigs(): Promise<DeploymentConfigRecord[]> {
    return this.#all("SELECT body FROM cd_deployment_configs ORDER BY name");
  }

  deleteDeploymentConfig(name: string): Promise<boolean> {
    return this.#insert("DELETE FROM cd_deployment_configs WHERE name = ?", name);
  }

  createDeployment(d: DeploymentRecord): Promise<CreateDeploymentResult> {
    return settle(() => {
      const [alias, group] = activeKeys(d);
      const inserted = stmt(
        this.#db,
        `INSERT OR IGNORE INTO cd_deployments
         (id, application, group_name, status, created_at, active_alias, active_group, revision, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(d.id, d.applicationName, d.groupName, d.status, d.createdAt, alias, group, d.revision, JSON.stringify(d));
      if (inserted.changes === 1) return { kind: "ok" };
      const active = parse<DeploymentRecord>(
        stmt(this.#db, "SELECT body FROM cd_deployments WHERE active_alias = ? OR active_group = ?").all(alias, group),
      )[0];
      if (!active) throw new Error(`deployment ${d.id} exists`);
      return { kind: "active", active };
    });
  }

  saveDeployment(d: DeploymentRecord): Promise<boolean> {
    return settle(() => {
      const [alias, group] = activeKeys(d);
      return (
        stmt(
          this.#db,
          `UPDATE cd_deployments SET status = ?, active_alias = ?, active_group = ?, revision = ?, body = ?
           WHERE id = ? AND revision = ?`,
        ).run(d.status, alias, group, d.revision, JSON.stringify(d), d.id, d.revision - 1).changes === 1
      );
    });
  }

  getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    return this.#one("SELECT body FROM cd_deployments WHERE id = ?", id);
  }

  async listDeployments(q: DeploymentQuery): Promise<DeploymentRecord[]> {
    const all = await this.#all<DeploymentRecord>(
      `SELECT body FROM cd_deployments WHERE (@app IS NULL OR application = @app) AND (@grp IS NULL OR group_name = @grp)
       ORDER BY created_at DESC, id DESC`,
      { app: q.applicationName ?? null, grp: q.groupName ?? null },
    );
    return q.statuses?.length ? all.filter((d) => q.statuses?.includes(d.status)) : all;
  }

  listActiveDeployments(): Promise<DeploymentRecord[]> {
    return this.#all("SELECT body FROM cd_deployments WHERE active_alias IS NOT NULL ORDER BY created_at, id");
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
