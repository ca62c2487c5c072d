/**
 * Stacks on a node: the stack engine over the Lambda control plane and the API Gateway service,
 * the CloudFormation API in front of it, and the small S3 that holds deployment artifacts. A single node finishes or rolls back, at start, the
 * stack operations a stop interrupted; in a cluster a node leaves other nodes' operations alone.
 */
import { createCloudFormationOperations } from "../api/cloudformation/operations.js";
import { createS3Operations } from "../api/s3/operations.js";
import type { Operation } from "../api/types.js";
import type { ApiService, LambdaControlPlane } from "../control/index.js";
import type { StackServices } from "../stacks/index.js";
import type { ObjectStore } from "../ports/object-store.js";
import type { StackStore } from "../ports/stack-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import { StackEngine, type StackMappings } from "../stacks/index.js";
import type { StreamService } from "../streams/index.js";
import { stackServices, type StackServiceDeps } from "./stack-services.js";

/** What stacks are built from. */
export interface StacksDeps {
  readonly store: StackStore;
  readonly objects: ObjectStore;
  readonly control: LambdaControlPlane;
  readonly apis: ApiService;
  readonly streams?: StreamService | undefined;
  readonly mappings?: StackMappings | undefined;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** Cluster mode: this node's id (operations are recovered only by the node that ran them). */
  readonly clusterNodeId?: string | undefined;
  /** SNS for AWS::SNS::* resources. */
  readonly topics?: StackServices["topics"];
  readonly log: (message: string, error?: unknown) => void;
  /** The queues, buses, alarms and log groups stacks create (without them those types fail to create). */
  readonly resources?: Omit<StackServiceDeps, "clock" | "region" | "accountId" | "apiUrl"> | undefined;
  readonly apiUrl?: (() => string) | undefined;
  /** Function URLs for AWS::Lambda::Url. */
  readonly urls?: StackServices["urls"];
  /** CodeDeploy for AWS::CodeDeploy::* and aliases with the CodeDeployLambdaAliasUpdate policy. */
  readonly deployments?: StackServices["deployments"];
  /** The node's IAM for AWS::IAM::Role and AWS::IAM::Policy. */
  readonly iam?: StackServices["iam"];
  /** API keys and usage plans for AWS::ApiGateway::ApiKey, ::UsagePlan and ::UsagePlanKey. */
  readonly usagePlans?: StackServices["usagePlans"];
}

/** The engine (recovered) and its API operations; `stop` waits for running operations. */
export async function createStacks(
  deps: StacksDeps,
): Promise<{ engine: StackEngine; operations: Operation[]; stop(): Promise<void> }> {
  const engine = new StackEngine({
    store: deps.store,
    services: {
      ...{ lambda: deps.control, apis: deps.apis, streams: deps.streams, mappings: deps.mappings, topics: deps.topics },
      ...{ ids: deps.ids, region: deps.region, accountId: deps.accountId, urls: deps.urls },
      deployments: deps.deployments,
      iam: deps.iam,
      usagePlans: deps.usagePlans,
      ...(deps.resources &&
        stackServices({
          ...deps.resources,
          apiUrl: deps.apiUrl ?? (() => ""),
          clock: deps.clock,
          region: deps.region,
          accountId: deps.accountId,
        })),
    },
    clock: deps.clock,
    nodeId: deps.clusterNodeId,
    logError: deps.log,
  });
  await engine.recover();
  const operations = [...createCloudFormationOperations(engine), ...createS3Operations(deps.objects, deps.clock)];
  const stop = async (): Promise<void> => {
    deps.deployments?.abandon(); // a stack update waiting for a deployment ends (restart recovers it)
    await engine.settled();
  };
  return { engine, operations, stop };
}

/** Lambda's `Code.S3Bucket`/`S3Key` read from haneul's S3. */
export function artifactReader(objects: ObjectStore) {
  return async (bucket: string, key: string) => {
    if (!(await objects.getBucket(bucket))) return { missing: "NoSuchBucket" as const };
    const got = await objects.getObject(bucket, key);
    return got ? { body: got.body } : { missing: "NoSuchKey" as const };
  };
}
