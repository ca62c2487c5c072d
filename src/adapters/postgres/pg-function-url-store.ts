import type { FunctionUrlRecord, FunctionUrlStore } from "../../ports/function-url-store.js";
import type { PgDatabase } from "./database.js";

const parse = (r: { body: string }) => JSON.parse(r.body) as FunctionUrlRecord;

/** The FunctionUrlStore on PostgreSQL, shared by the nodes of a cluster. */
export class PgFunctionUrlStore implements FunctionUrlStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async insertUrl(r: FunctionUrlRecord): Promise<boolean> {
    const sql =
      "INSERT INTO function_urls (url_id, function_name, qualifier, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    return (await this.#db.run(sql, [r.urlId, r.functionName, r.qualifier, JSON.stringify(r)])) === 1;
  }

  async updateUrl(r: FunctionUrlRecord): Promise<boolean> {
    const sql = "UPDATE function_urls SET body = $1 WHERE function_name = $2 AND qualifier = $3 AND url_id = $4";
    return (await this.#db.run(sql, [JSON.stringify(r), r.functionName, r.qualifier, r.urlId])) === 1;
  }

  async getUrl(functionName: string, qualifier: string): Promise<FunctionUrlRecord | undefined> {
    const sql = "SELECT body FROM function_urls WHERE function_name = $1 AND qualifier = $2";
    const row = (await this.#db.rows<{ body: string }>(sql, [functionName, qualifier]))[0];
    return row && parse(row);
  }

  async listUrls(functionName: string): Promise<FunctionUrlRecord[]> {
    const sql = "SELECT body FROM function_urls WHERE function_name = $1 ORDER BY qualifier";
    return (await this.#db.rows<{ body: string }>(sql, [functionName])).map(parse);
  }

  async listAllUrls(): Promise<FunctionUrlRecord[]> {
    const sql = "SELECT body FROM function_urls ORDER BY function_name, qualifier";
    return (await this.#db.rows<{ body: string }>(sql)).map(parse);
  }

  async deleteUrl(functionName: string, qualifier: string): Promise<boolean> {
    const sql = "DELETE FROM function_urls WHERE function_name = $1 AND qualifier = $2";
    return (await this.#db.run(sql, [functionName, qualifier])) === 1;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
