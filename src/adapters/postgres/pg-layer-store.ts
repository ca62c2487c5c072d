import type { LayerStore, LayerVersionRecord, NewLayerVersion } from "../../ports/layer-store.js";
import {
  LAYER_VERSION_COLUMNS,
  layerVersionOf,
  layerVersionValues,
  NEXT_LAYER_VERSION_SQL,
  type LayerVersionRow,
} from "../layer-rows.js";
import type { PgDatabase } from "./database.js";

const SELECT = `SELECT ${LAYER_VERSION_COLUMNS} FROM layer_versions`;
const PLACEHOLDERS = Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(", ");

/** The LayerStore on PostgreSQL, shared by the nodes of a cluster. */
export class PgLayerStore implements LayerStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  publish(v: NewLayerVersion): Promise<LayerVersionRecord> {
    return this.#db.transaction(async (q) => {
      const [row] = await this.#db.rows<{ version: number }>(NEXT_LAYER_VERSION_SQL("$1"), [v.layerName], q);
      const version = Number(row?.version);
      await this.#db.run(
        `INSERT INTO layer_versions (${LAYER_VERSION_COLUMNS}) VALUES (${PLACEHOLDERS})`,
        layerVersionValues(v, version),
        q,
      );
      return { ...v, version, policy: undefined };
    });
  }

  async get(layerName: string, version: number): Promise<LayerVersionRecord | undefined> {
    const rows = await this.#db.rows<LayerVersionRow>(`${SELECT} WHERE name = $1 AND version = $2`, [
      layerName,
      version,
    ]);
    return rows[0] && layerVersionOf(rows[0]);
  }

  async listVersions(layerName: string): Promise<LayerVersionRecord[]> {
    const rows = await this.#db.rows<LayerVersionRow>(`${SELECT} WHERE name = $1 ORDER BY version DESC`, [layerName]);
    return rows.map(layerVersionOf);
  }

  async listAll(): Promise<LayerVersionRecord[]> {
    return (await this.#db.rows<LayerVersionRow>(`${SELECT} ORDER BY name, version DESC`)).map(layerVersionOf);
  }

  async delete(layerName: string, version: number): Promise<boolean> {
    return (
      (await this.#db.run("DELETE FROM layer_versions WHERE name = $1 AND version = $2", [layerName, version])) === 1
    );
  }

  async setPolicy(
    layerName: string,
    version: number,
    change: { policy: string | undefined; expectedRevision: string; revisionId: string },
  ): Promise<boolean> {
    const sql =
      "UPDATE layer_versions SET policy = $1, revision_id = $2 WHERE name = $3 AND version = $4 AND revision_id = $5";
    return (
      (await this.#db.run(sql, [
        change.policy ?? null,
        change.revisionId,
        layerName,
        version,
        change.expectedRevision,
      ])) === 1
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
