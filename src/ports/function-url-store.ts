/**
 * The function URL store port: one URL configuration per function (`qualifier` "") or alias.
 * Every adapter (SQLite, PostgreSQL) passes the contract suite in function-url-store.contract.ts.
 */

/** The CORS settings of a function URL, as the Lambda API names them. */
export interface FunctionUrlCors {
  readonly AllowCredentials?: boolean | undefined;
  readonly AllowHeaders?: readonly string[] | undefined;
  readonly AllowMethods?: readonly string[] | undefined;
  readonly AllowOrigins?: readonly string[] | undefined;
  readonly ExposeHeaders?: readonly string[] | undefined;
  readonly MaxAge?: number | undefined;
}

/** A function URL: its id (the host label), the function or alias it invokes and how. */
export interface FunctionUrlRecord {
  /** 32 lowercase letters and digits, as AWS's URL ids. */
  readonly urlId: string;
  readonly functionName: string;
  /** "" for the function itself (`$LATEST`), else an alias name. */
  readonly qualifier: string;
  readonly authType: "NONE" | "AWS_IAM";
  readonly invokeMode: "BUFFERED" | "RESPONSE_STREAM";
  readonly cors?: FunctionUrlCors | undefined;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastModified: number;
}

/** Durable function URL configurations. */
export interface FunctionUrlStore {
  /** Inserts a URL; false when the function (or alias) has one already, or the id is taken. */
  insertUrl(record: FunctionUrlRecord): Promise<boolean>;
  /** Replaces the URL of the record's function and qualifier (its id kept); false when there is none. */
  updateUrl(record: FunctionUrlRecord): Promise<boolean>;
  /** The URL of a function (`qualifier` "") or alias, or undefined. */
  getUrl(functionName: string, qualifier: string): Promise<FunctionUrlRecord | undefined>;
  /** A function's URLs (its own and its aliases'), ordered by qualifier. */
  listUrls(functionName: string): Promise<FunctionUrlRecord[]>;
  /** Every URL, ordered by function and qualifier. */
  listAllUrls(): Promise<FunctionUrlRecord[]>;
  /** Deletes the URL of a function or alias; false when there was none. */
  deleteUrl(functionName: string, qualifier: string): Promise<boolean>;
  /** Releases the connection. */
  close(): Promise<void>;
}
