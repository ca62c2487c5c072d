/** The clients the stack commands use: the node's CloudFormation and S3, signed with its administrator key. */
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import type { Stack, StackEvent } from "@aws-sdk/client-cloudformation";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { credentialsFile, readCredentialsFile } from "../api/credentials.js";
import type { StackCommandConfig } from "../config/deploy-config.js";

/** The node's clients; `destroy` closes their sockets. */
export interface StackClients {
  readonly cfn: CloudFormationClient;
  readonly s3: S3Client;
  /** Lambda, for what a stack's resources do not say themselves (a function URL's address). */
  readonly lambda?: LambdaClient | undefined;
  destroy(): void;
}

/** Clients for `config`'s node, or a message saying why not. */
export async function stackClients(config: StackCommandConfig): Promise<StackClients | string> {
  const key = config.adminKey ?? (await readCredentialsFile(credentialsFile(config.dataDir)).catch(() => undefined));
  if (key === undefined) return `no administrator key: ${credentialsFile(config.dataDir)} is missing`;
  const common = { region: config.region, endpoint: config.endpoint, credentials: key, maxAttempts: 1 };
  const cfn = new CloudFormationClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const lambda = new LambdaClient(common);
  return {
    cfn,
    s3,
    lambda,
    destroy() {
      cfn.destroy();
      s3.destroy();
      lambda.destroy();
    },
  };
}

/** The stack (not deleted) of that name, or undefined. */
export async function findStack(cfn: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (e) {
    if ((e as Error).name === "ValidationError" && /does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

const BUSY = /_IN_PROGRESS$/;

/** Waits until the stack's status no longer ends in _IN_PROGRESS (polling every 50 ms, as it runs on this machine). */
export async function waitForStack(
  cfn: CloudFormationClient,
  stackId: string,
  onEvent?: (e: StackEvent) => void,
): Promise<Stack> {
  const seen = new Set<string>();
  for (let round = 0; ; round++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
    // Events are read every half second, and once more at the end, for what `onEvent` follows.
    const done = stack !== undefined && !BUSY.test(stack.StackStatus ?? "");
    if (onEvent && (done || round % 10 === 0)) await newEvents(cfn, stackId, seen, onEvent);
    if (done) return stack;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newEvents(
  cfn: CloudFormationClient,
  stackId: string,
  seen: Set<string>,
  onEvent: (e: StackEvent) => void,
): Promise<void> {
  const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }))).StackEvents ?? [];
  const fresh = events.filter((e) => !seen.has(e.EventId ?? ""));
  for (const e of fresh.reverse()) {
    seen.add(e.EventId ?? "");
    onEvent(e);
  }
}
