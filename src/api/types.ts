import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { CompiledPolicy, IdentityPolicies, Principal } from "../iam/index.js";

/** Who signed a request, as its access key says: the principal and its identity-based policies. */
export interface Caller {
  readonly accessKeyId: string;
  readonly principal: Principal;
  /** The caller's identity-based policies, or `all` for the account's administrator key. */
  readonly policies: IdentityPolicies;
}

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
  /** Who signed the request. */
  readonly caller: Caller;
  /** The region the signature is scoped to (the node's, or one it is configured to serve). */
  readonly region: string;
}

/** What an operation answers. An object body is sent as JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string | object | undefined;
  /**
   * A body sent as it is produced (chunked), instead of `body`: the headers go out at once and
   * each chunk as it comes (InvokeWithResponseStream).
   */
  readonly stream?: Readable | undefined;
}

/**
 * What a request needs to be allowed, as AWS's Service Authorization Reference names it: an IAM
 * action on a resource, the condition keys the request provides, and the resource-based policy
 * of that resource where the service has one (a function's AddPermission statements).
 */
export interface AccessSpec {
  /** `service:Action`, e.g. `lambda:GetFunction`, `apigateway:PATCH`. */
  readonly action: string;
  /** The resource ARN, or `*`. */
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /**
   * The resource's policy, read only when the caller's identity policies do not allow the call
   * (Lambda's resource policies only allow, so an allowed caller never pays for the read).
   */
  readonly resourcePolicy?: (() => Promise<CompiledPolicy | undefined>) | undefined;
  /**
   * The resource policy may also deny (SQS queue policies): it is then read for every caller
   * whose identity policies are evaluated, not only for those they do not allow.
   */
  readonly resourcePolicyMayDeny?: boolean | undefined;
}

/**
 * One API operation. Operations throw PlatformError for AWS errors; the server turns those into
 * AWS's error shape. Every operation says which service signs it and what IAM access it needs,
 * so that an operation added later is authorized like the others.
 */
export interface Operation {
  /** AWS operation name, e.g. `CreateFunction`. */
  readonly name: string;
  readonly method: string;
  /** Path template with `{Label}` segments, e.g. `/2015-03-31/functions/{FunctionName}/invocations`. */
  readonly path: string;
  /** The SigV4 signing name the credential scope must carry (`lambda`, `apigateway`, `iam`). */
  readonly service: string;
  /** Regions a signature may name besides the node's (IAM is signed for us-east-1). */
  readonly signingRegions?: readonly string[];
  /** Routed only among its own service's operations (S3's paths would shadow other services'). */
  readonly ownRoutes?: boolean;
  /** Largest body accepted; larger is answered 413 before the operation runs. */
  readonly maxBodyBytes?: number;
  /** The access this request needs; every spec must be allowed (checked after the body is read). */
  access(req: ApiRequest): AccessSpec | readonly AccessSpec[];
  handle(req: ApiRequest): Promise<ApiResponse>;
  /**
   * The protocol's error shape, when it is not rest-json (query-protocol XML for IAM); `headers`
   * are the request's, for a service that speaks two protocols (SQS: JSON and query).
   */
  renderError?(
    e: { code: string; awsType: string; status: number; message: string },
    requestId: string,
    headers?: IncomingHttpHeaders,
  ): ApiResponse;
}
