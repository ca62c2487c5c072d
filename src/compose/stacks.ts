/**
 * Stacks on a node: the stack engine over the Lambda control plane and the API Gateway service,
 * and the CloudFormation API in front of it. A single node finishes or rolls back, at start, the
 * stack operations a stop interrupted; in a cluster a node leaves other nodes' operations alone.
 */
import { createCloudFormationOperations } from "../api/cloudformation/operations.js";
import type { Operation } from "../api/types.js";
import type { ApiService, LambdaControlPlane } from "../control/index.js";
import type { StackStore } from "../ports/stack-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import { StackEngine } from "../stacks/index.js";

/** What stacks are built from. */
export interface StacksDeps {
  readonly store: StackStore;
  readonly control: LambdaControlPlane;
  readonly apis: ApiService;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** Cluster mode: this node's id (operations are recovered only by the node that ran them). */
  readonly clusterNodeId?: string | undefined;
  readonly log: (message: string, error?: unknown) => void;
}

/** The engine (recovered) and its API operations; `stop` waits for running operations. */
export async function createStacks(
  deps: StacksDeps,
): Promise<{ engine: StackEngine; operations: Operation[]; stop(): Promise<void> }> {
  const engine = new StackEngine({
    store: deps.store,
    services: { lambda: deps.control, apis: deps.apis, ids: deps.ids, region: deps.region, accountId: deps.accountId },
    clock: deps.clock,
    nodeId: deps.clusterNodeId,
    logError: deps.log,
  });
  await engine.recover();
  return { engine, operations: createCloudFormationOperations(engine), stop: () => engine.settled() };
}
