import type { LambdaControlPlane } from "../../control/index.js";
import type { AsyncEventQueue } from "../../events/index.js";
import type { InvokeService } from "../../ports/invoke-service.js";
import type { ApiRequest, ApiResponse, Operation } from "../types.js";

/** What the Lambda API operations are built from. */
export interface LambdaApiDeps {
  /** Control operations and the in-memory catalog. */
  readonly control: LambdaControlPlane;
  /** Runs RequestResponse invocations. */
  readonly invoker: InvokeService;
  /** Accepts Event invocations durably (the async runner). */
  readonly events: AsyncEventQueue;
}

/** An operation whose handler may answer synchronously; createLambdaOperations makes it an Operation. */
export type LambdaOperation = Omit<Operation, "handle" | "service"> & {
  handle(req: ApiRequest): ApiResponse | Promise<ApiResponse>;
};
