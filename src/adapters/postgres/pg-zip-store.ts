import type { SharedZipStore } from "../../ports/code-store.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/code-packages.js";

/** Code packages in the cluster's PostgreSQL database (table code_packages), stored once per digest. */
export class PgZipStore implements SharedZipStore {
  readonly #db: PgDatabase;

  /** A store over `db`; it does not own the pool (its users close it). */
  constructor(db: PgDatabase) {
    this.#db = db;
  }

  has(sha256Hex: string): Promise<boolean> {
    return sql.packageExists(this.#db, sha256Hex);
  }

  put(sha256Hex: string, zip: Buffer, at: number): Promise<boolean> {
    return sql.insertPackage(this.#db, { sha256Hex, zip, at });
  }

  get(sha256Hex: string): Promise<Buffer | undefined> {
    return sql.selectPackage(this.#db, sha256Hex);
  }

  totalBytes(): Promise<number> {
    return sql.sumPackageSizes(this.#db);
  }
}
