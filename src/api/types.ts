import type { IncomingHttpHeaders } from "node:http";

/** A parsed request to one API operation, after authentication. */
export interface ApiRequest {
  readonly method: string;
  /** The raw path, still %-encoded. */
  readonly path: string;
  /** Path labels of the operation's template, %-decoded (`{FunctionName}` → `params.FunctionName`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The x-amzn-RequestId sent back with the response. */
  readonly requestId: string;
}

/** What an operation answers. An object body is sent as JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string | object | undefined;
}

/**
 * One API operation of a rest-json service. Operations throw PlatformError for AWS errors; the
 * server turns those into AWS's error shape.
 */
export interface Operation {
  /** AWS operation name, e.g. `CreateFunction`. */
  readonly name: string;
  readonly method: string;
  /** Path template with `{Label}` segments, e.g. `/2015-03-31/functions/{FunctionName}/invocations`. */
  readonly path: string;
  /** Largest body accepted; larger is answered 413 before the operation runs. */
  readonly maxBodyBytes?: number;
  handle(req: ApiRequest): Promise<ApiResponse>;
}
