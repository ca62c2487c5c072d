import type { Database } from "better-sqlite3";
import type { FunctionUrlRecord, FunctionUrlStore } from "../../ports/function-url-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

const parse = (r: { body: string }) => JSON.parse(r.body) as FunctionUrlRecord;

/** The FunctionUrlStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteFunctionUrlStore implements FunctionUrlStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteFunctionUrlStore {
    return new SqliteFunctionUrlStore(openDatabase(options));
  }

  insertUrl(r: FunctionUrlRecord): Promise<boolean> {
    const sql =
      "INSERT INTO function_urls (url_id, function_name, qualifier, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    return settle(() => stmt(this.#db, sql).run(r.urlId, r.functionName, r.qualifier, JSON.stringify(r)).changes === 1);
  }

  updateUrl(r: FunctionUrlRecord): Promise<boolean> {
    const sql = "UPDATE function_urls SET body = ? WHERE function_name = ? AND qualifier = ? AND url_id = ?";
    return settle(() => stmt(this.#db, sql).run(JSON.stringify(r), r.functionName, r.qualifier, r.urlId).changes === 1);
  }

  getUrl(functionName: string, qualifier: string): Promise<FunctionUrlRecord | undefined> {
    const sql = "SELECT body FROM function_urls WHERE function_name = ? AND qualifier = ?";
    return settle(() => {
      const row = stmt(this.#db, sql).get(functionName, qualifier) as { body: string } | undefined;
      return row && parse(row);
    });
  }

  listUrls(functionName: string): Promise<FunctionUrlRecord[]> {
    const sql = "SELECT body FROM function_urls WHERE function_name = ? ORDER BY qualifier";
    return settle(() => (stmt(this.#db, sql).all(functionName) as { body: string }[]).map(parse));
  }

  listAllUrls(): Promise<FunctionUrlRecord[]> {
    const sql = "SELECT body FROM function_urls ORDER BY function_name, qualifier";
    return settle(() => (stmt(this.#db, sql).all() as { body: string }[]).map(parse));
  }

  deleteUrl(functionName: string, qualifier: string): Promise<boolean> {
    const sql = "DELETE FROM function_urls WHERE function_name = ? AND qualifier = ?";
    return settle(() => stmt(this.#db, sql).run(functionName, qualifier).changes === 1);
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
