import type { SharedKeyPair, SharedKeySource, SharedNodeSecret, SharedSecretSource } from "../../ports/shared-key.js";
import type { PgDatabase } from "./database.js";

/**
 * The cluster's generated access key and its node secret in table node_credentials (rows
 * 'primary' and 'node-secret'; the latter's access_key_id holds the fingerprint): the first
 * node's candidate wins.
 */
export class PgSharedKey implements SharedKeySource, SharedSecretSource {
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

  async adoptSecret(candidate: SharedNodeSecret): Promise<SharedNodeSecret> {
    await this.#db.run(
      `INSERT INTO node_credentials (name, access_key_id, secret_access_key, created_at) VALUES ('node-secret', $1, $2, $3)
        ON CONFLICT (name) DO NOTHING`,
      [candidate.fingerprint, candidate.secret ?? "", this.#now()],
    );
    const row = (
      await this.#db.rows<{ access_key_id: string; secret_access_key: string }>(
        "SELECT access_key_id, secret_access_key FROM node_credentials WHERE name = 'node-secret'",
      )
    )[0];
    if (!row) throw new Error("haneul: the shared node secret vanished from node_credentials");
    return { fingerprint: row.access_key_id, secret: row.secret_access_key === "" ? undefined : row.secret_access_key };
  }
}
