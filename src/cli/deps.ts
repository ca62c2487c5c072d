import type { ServerConfig } from "../config/server-config.js";
import type { FunctionSpec } from "../domain/function-spec.js";
import type { InvokeResult } from "../domain/invocation.js";

/** One access key pair. */
export interface AccessKeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A running haneul node, as the composition root starts it. */
export interface RunningNode {
  /** Base URL of the AWS-compatible control API (`--endpoint-url`). */
  readonly apiUrl: string;
  /** Base URL of the public gateway; undefined until the gateway is wired. */
  readonly gatewayUrl: string | undefined;
  /** The access key users sign with. */
  readonly accessKey: AccessKeyPair;
  /** Set when this start generated the access key: print it once. */
  readonly generatedCredentialsFile: string | undefined;
  /** Stops accepting requests, lets in-flight ones finish, then stops every part. */
  stop(): Promise<void>;
}

/** What `haneul invoke` needs to run one event: where instances may look for programs. */
export interface InvokeOnceOptions {
  /** PATH for the instance. */
  readonly path: string;
}

/**
 * What the commands need from the composition root, which hands it to `runCli`: the CLI never
 * imports the wiring itself (layers point down: cli → main is not allowed, main → cli is).
 */
export interface CliDeps {
  /** Starts a node from its configuration. */
  startNode(config: ServerConfig): Promise<RunningNode>;
  /** Runs `event` once on a fresh instance of `spec`, then stops everything it started. */
  invokeOnce(spec: FunctionSpec, event: Buffer, options: InvokeOnceOptions): Promise<InvokeResult>;
}
