import type { Database } from "better-sqlite3";
import type { LayerStore, LayerVersionRecord, NewLayerVersion } from "../../ports/layer-store.js";
import {
  LAYER_VERSION_COLUMNS,
  layerVersionOf,
  layerVersionValues,
  NEXT_LAYER_VERSION_SQL,
  type LayerVersionRow,
} from "../layer-rows.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

const SELECT = `SELECT ${LAYER_VERSION_COLUMNS} FROM layer_versions`;

/** The LayerStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteLayerStore implements LayerStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteLayerStore {
    return new SqliteLayerStore(openDatabase(options));
  }

  publish(v: NewLayerVersion): Promise<LayerVersionRecord> {
    return settle(() =>
      this.#db.transaction(() => {
        const { version } = stmt(this.#db, NEXT_LAYER_VERSION_SQL("?")).get(v.layerName) as { version: number };
        stmt(this.#db, `INSERT INTO layer_versions (${LAYER_VERSION_COLUMNS}) VALUES (${"?, ".repeat(11)}?)`).run(
          ...layerVersionValues(v, version),
        );
        return { ...v, version, policy: undefined };
      })(),
    );
  }

  get(layerName: string, version: number): Promise<LayerVersionRecord | undefined> {
    return settle(() => {
      const r = stmt(this.#db, `${SELECT} WHERE name = ? AND version = ?`).get(layerName, version) as
        LayerVersionRow | undefined;
      return r && layerVersionOf(r);
    });
  }

  listVersions(layerName: string): Promise<LayerVersionRecord[]> {
    return settle(() =>
      (stmt(this.#db, `${SELECT} WHERE name = ? ORDER BY version DESC`).all(layerName) as LayerVersionRow[]).map(
        layerVersionOf,
      ),
    );
  }

  listAll(): Promise<LayerVersionRecord[]> {
    return settle(() =>
      (stmt(this.#db, `${SELECT} ORDER BY name, version DESC`).all() as LayerVersionRow[]).map(layerVersionOf),
    );
  }

  delete(layerName: string, version: number): Promise<boolean> {
    return settle(
      () =>
        stmt(this.#db, "DELETE FROM layer_versions WHERE name = ? AND version = ?").run(layerName, version).changes ===
        1,
    );
  }

  setPolicy(
    layerName: string,
    version: number,
    change: { policy: string | undefined; expectedRevision: string; revisionId: string },
  ): Promise<boolean> {
    return settle(
      () =>
        stmt(
          this.#db,
          "UPDATE layer_versions SET policy = ?, revision_id = ? WHERE name = ? AND version = ? AND revision_id = ?",
        ).run(change.policy ?? null, change.revisionId, layerName, version, change.expectedRevision).changes === 1,
    );
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
