import type { RuntimesSettings } from "../config/runtimes-dir.js";
import type { ServerConfig } from "../config/server-config.js";
import type { NodeRuntimes } from "../ports/node-runtimes.js";
import type { FunctionSpec, InstanceShape } from "../domain/function-spec.js";
import type { InvocationRecord, InvokeResult } from "../domain/invocation.js";
import type { AccessLogRecord } from "../gateway/index.js";
import type { BuildTools, DevBuildTools } from "../ports/build-tools.js";

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
  /** What the instance sandbox does on this machine, as printed at start (which protections are off, and why). */
  readonly sandboxLines: readonly string[];
  /** This node's id (random per start; listed by `haneul nodes`). */
  readonly nodeId: string;
  /** True in cluster mode (PostgreSQL store). */
  readonly clustered: boolean;
  /** Debugging: `functionName`'s next instances start with the Node.js inspector on `port` of the loopback (undefined: off). */
  inspect(functionName: string, port: number | undefined): void;
  /** Starts a process ahead for each function about to be deployed (their instances start sooner). */
  prestartInstances(functions: readonly InstanceShape[]): void;
  /** Fires a scheduled rule of `busName` (a Scheduler schedule: its group's bus) now, by hand. */
  fireSchedule(busName: string, name: string): Promise<void>;
  /** Stops accepting requests, lets in-flight ones finish, then stops every part. */
  stop(): Promise<void>;
}

/** What `haneul invoke` needs to run one event. */
export interface InvokeOnceOptions {
  /** PATH for the instance. */
  readonly path: string;
  /** A deployment package (.zip) to extract and run instead of the spec's code directory. */
  readonly codeZip?: string | undefined;
  /** Where Node.js majors other than this one's are installed. */
  readonly runtimes: RuntimesSettings;
  /** Told when a Node.js major is fetched before the run (it takes a few seconds). */
  readonly onInstall?: ((major: number) => void) | undefined;
}

/** Observers of a running node's traffic (the server's per-request lines). */
export interface NodeObservers {
  readonly onAccessLog?: ((record: AccessLogRecord) => void) | undefined;
  readonly onRecord?: ((record: InvocationRecord) => void) | undefined;
  /** A created or changed function gets an instance at once, before its first event (`haneul dev`). */
  readonly warmChangedFunctions?: boolean | undefined;
  /**
   * Functions about to be deployed (`haneul dev`'s template): a process is started ahead for each
   * as soon as the node's ports are known, before the start completes (as `prestartInstances`).
   */
  readonly prestartInstances?: readonly InstanceShape[] | undefined;
}

/**
 * What the commands need from the composition root, which hands it to `runCli`: the CLI never
 * imports the wiring itself (layers point down: cli → main is not allowed, main → cli is).
 */
export interface CliDeps {
  /** Starts a node from its configuration. */
  startNode(config: ServerConfig, observers?: NodeObservers): Promise<RunningNode>;
  /** Runs `event` once on a fresh instance of `spec`, then stops everything it started; a bad package throws PlatformError. */
  invokeOnce(spec: FunctionSpec, event: Buffer, options: InvokeOnceOptions): Promise<InvokeResult>;
  /** The Node.js runtimes cache (`haneul runtimes`). */
  nodeRuntimes(settings: RuntimesSettings): NodeRuntimes;
  /** npm and esbuild, for `haneul build`. */
  readonly buildTools: BuildTools;
  /** Build tools kept between builds (incremental esbuild, a syntax checker), for `haneul dev`. */
  devBuildTools(): DevBuildTools;
}
