import { scrubSecretEnvironment } from "../config/secret-env.js";
import { ConfigError, loadServerConfigFromProcess, SERVER_USAGE, type ServerConfig } from "../config/server-config.js";
import type { CliDeps, NodeObservers, RunningNode } from "./deps.js";
import { accessLine, invocationLine } from "./server-log.js";

/** `haneul server`: runs a node until SIGINT or SIGTERM; resolves to the exit status. */
export async function runServerCommand(args: string[], deps: CliDeps): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(SERVER_USAGE);
    return 0;
  }
  let config: ServerConfig;
  try {
    config = loadServerConfigFromProcess(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul server: ${e.message}\n\n${SERVER_USAGE}`);
    return 2;
  }
  // Read once: the secrets now live in the frozen config, not in the process's environment.
  const scrub = scrubSecretEnvironment();
  if (scrub.failure !== undefined) {
    process.stderr.write(
      `haneul server: warning: ${scrub.removed.join(", ")} could not be wiped from /proc/self/environ (${scrub.failure})\n`,
    );
  }
  // Listen before announcing readiness: a SIGTERM sent right after the ready line must stop cleanly.
  const stopSignal = nextSignal();
  let node: RunningNode;
  try {
    node = await deps.startNode(config, config.quiet ? {} : printing);
  } catch (e) {
    // Port in use and the like: one line, not a stack trace.
    process.stderr.write(`haneul server: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(readyMessage(config, node));
  const signal = await stopSignal;
  process.stdout.write(`\nhaneul server: ${signal} received, stopping (again to force)\n`);
  const forced = nextSignal().then(() => {
    process.stderr.write("haneul server: forced exit\n");
    process.exit(130);
  });
  void forced;
  await node.stop();
  process.stdout.write("haneul server: stopped\n");
  return 0;
}

const printing: NodeObservers = {
  onAccessLog: (r) => process.stdout.write(`${accessLine(r)}\n`),
  onRecord: (r) => process.stdout.write(`${invocationLine(r)}\n`),
};

function readyMessage(config: ServerConfig, node: RunningNode): string {
  const lines = [
    "haneul node ready",
    `  Lambda API   ${node.apiUrl}   (region ${config.region}, account ${config.accountId})`,
    `  Gateway      ${node.gatewayUrl ?? "(not available yet)"}`,
    ...gatewayForms(node.gatewayUrl),
    `  Data         ${config.dataDir}`,
    `  Access key   ${node.accessKey.accessKeyId}`,
    ...node.sandboxLines.map((l, i) => (i === 0 ? `  Instances    ${l}` : `               ${l}`)),
  ];
  if (config.timeScale !== 1) {
    lines.push(
      `  Time scale   ${config.timeScale} (platform timers run ${config.timeScale} times faster; functions keep real time)`,
    );
  }
  if (node.generatedCredentialsFile !== undefined) {
    lines.push(
      "",
      "A new access key was generated. Its secret is shown this once (it is also in the file below):",
      `  AWS_ACCESS_KEY_ID=${node.accessKey.accessKeyId}`,
      `  AWS_SECRET_ACCESS_KEY=${node.accessKey.secretAccessKey}`,
      `  credentials file: ${node.generatedCredentialsFile} (profile "haneul")`,
      "",
      "Try:",
      `  AWS_SHARED_CREDENTIALS_FILE=${node.generatedCredentialsFile} AWS_PROFILE=haneul \\`,
      `    aws lambda list-functions --region ${config.region} --endpoint-url ${node.apiUrl}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * How to address an API on the gateway. The host form is AWS's; curl and browsers resolve
 * `*.localhost` to loopback, Node's and Python's resolvers do not, so they use the path form.
 */
function gatewayForms(gatewayUrl: string | undefined): string[] {
  if (gatewayUrl === undefined) return [];
  const port = new URL(gatewayUrl).port;
  return [
    `               APIs at http://<api-id>.execute-api.localhost:${port}/<stage>/…  (curl, browsers)`,
    `               or      http://127.0.0.1:${port}/_api/<api-id>/<stage>/…  (any client: Node.js, Python, …)`,
  ];
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}
