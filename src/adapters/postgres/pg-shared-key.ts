import type { SharedKeyPair, SharedKeySource } from "../../ports/shared-key.js";
import type { PgDatabase } from "./database.js";

/** The cluster's generated access key in table node_credentials: the first node's candidate wins. */
export class PgSharedKey implements SharedKeySource {
  readonly #db: PgDatabase;
  readonly #now: () => number;

  constructor(db: PgDatabase, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  async adopt(candidate: SharedKeyPair): Promise<{ key: SharedKeyPair; created: boolean }> {
    const inserted = await this.#db.run(
      `INSERT INTO node_credentials (name, access_key_id, secret_access_key, created_at) VALUES ('primary', $1, $2, $3)
        ON CONFLICT (name) DO NOTHING`,
      [candidate.accessKeyId, candidate.secretAccessKey, this.#now()],
    );
    const row = (
      await this.#db.rows<{ access_key_id: string; secret_access_key: string }>(
        "SELECT access_key_id, secret_access_key FROM node_credentials WHERE name = 'primary'",
      )
    )[0];
    if (!row) throw new Error("haneul: the shared access key vanished from node_credentials");
    return { key: { accessKeyId: row.access_key_id, secretAccessKey: row.secret_access_key }, created: inserted === 1 };
  }
}
