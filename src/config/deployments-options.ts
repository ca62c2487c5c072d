import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "./server-config.js";

/** Options of `haneul deployments` and `haneul rollback`, validated and frozen. */
export interface DeploymentsCommandConfig {
  readonly command: "list" | "get" | "rollback";
  /** The deployment id (get), or the function (rollback). */
  readonly subject?: string | undefined;
  readonly applicationName?: string | undefined;
  readonly alias?: string | undefined;
  readonly json: boolean;
  readonly dataDir: string;
  readonly endpoint: string;
  readonly region: string;
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** Usage text of `haneul deployments` and `haneul rollback`. */
export const DEPLOYMENTS_USAGE = `usage: haneul deployments list [--application-name <name>] [--output json]
       haneul deployments get <deployment-id> [--output json]
       haneul rollback <function> --alias <name>

Lists and shows the node's CodeDeploy deployments (status, traffic share, lifecycle events, the
reason a deployment stopped), and rolls an alias back: a deployment in progress on it is stopped
with rollback; otherwise the alias returns to the version its latest deployment replaced.

  --application-name <name>    only this application's deployments
  --alias <name>               the alias to roll back
  --output json                machine-readable output
  --data <dir>                 the node's data directory, for its administrator key (HANEUL_DATA, default .haneul)
  --endpoint <url>             the node's API (default http://127.0.0.1:<HANEUL_API_PORT or 3001>)
  --region <name>              the node's region (AWS_REGION, default us-east-1)
`;

/** Reads the options from `argv` (beginning with `deployments` or `rollback`) and `env`; throws ConfigError. */
export function loadDeploymentsConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  cwd = process.cwd(),
): DeploymentsCommandConfig {
  const [first, second] = argv;
  const command = first === "rollback" ? "rollback" : second;
  if (command !== "list" && command !== "get" && command !== "rollback")
    throw new ConfigError(`unknown deployments command '${second ?? ""}' (deployments list or deployments get)`);
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv.slice(command === "rollback" ? 1 : 2),
      options: {
        "application-name": { type: "string" },
        alias: { type: "string" },
        output: { type: "string" },
        data: { type: "string" },
        endpoint: { type: "string" },
        region: { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const v = parsed.values;
  const subject = parsed.positionals[0];
  if (command === "get" && !subject) throw new ConfigError("deployments get needs the deployment's id");
  if (command === "rollback" && (!subject || !v.alias))
    throw new ConfigError("rollback needs <function> --alias <name>");
  if (v.output !== undefined && v.output !== "json" && v.output !== "text")
    throw new ConfigError("--output must be json or text");
  const id = env["HANEUL_ACCESS_KEY_ID"] || undefined;
  const secret = env["HANEUL_SECRET_ACCESS_KEY"] || undefined;
  return Object.freeze({
    command,
    subject,
    applicationName: v["application-name"] as string | undefined,
    alias: v.alias as string | undefined,
    json: v.output === "json",
    dataDir: resolve(cwd, (v.data as string | undefined) ?? (env["HANEUL_DATA"] || ".haneul")),
    endpoint: (v.endpoint as string | undefined) ?? `http://127.0.0.1:${env["HANEUL_API_PORT"] || "3001"}`,
    region: (v.region as string | undefined) ?? (env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || "us-east-1"),
    adminKey: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
  });
}

/** `loadDeploymentsConfig` over this process's environment. */
export function loadDeploymentsConfigFromProcess(argv: readonly string[]): DeploymentsCommandConfig {
  return loadDeploymentsConfig(process.env, argv);
}
