import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "./server-config.js";

/** Options of `haneul deploy` and the stack commands, validated and frozen. */
export interface StackCommandConfig {
  readonly command: "deploy" | "stacks" | "describe" | "events" | "delete";
  readonly stackName?: string | undefined;
  readonly template?: string | undefined;
  /** `K=V` words as given (also `ParameterKey=K,ParameterValue=V`). */
  readonly parameterOverrides: readonly string[];
  readonly noExecute: boolean;
  readonly json: boolean;
  /** samconfig.toml next to the template (or --config-file), and its environment. */
  readonly configFile?: string | undefined;
  readonly configEnv: string;
  /** The bucket artifacts are uploaded to (created when missing). */
  readonly bucket: string;
  readonly dataDir: string;
  readonly endpoint: string;
  /** The node's gateway, for the APIs' local URLs. */
  readonly gateway: string;
  readonly region: string;
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** Usage text of `haneul deploy` and the stack commands. */
export const DEPLOY_USAGE = `usage: haneul deploy --template <file> --stack-name <name> [--parameter-overrides K=V ...]
                     [--no-execute-changeset] [--output json]
       haneul stacks [--output json]
       haneul stack describe <name> [--output json]
       haneul stack events <name> [--output json]
       haneul delete-stack <name>

Deploys a SAM or CloudFormation template to a running node as a stack, through the node's
CloudFormation API (local code is zipped and uploaded to the node's S3 first, as
'aws cloudformation package' does), and shows, lists and deletes stacks.

  --template <file>            the template (default template.yaml)
  --stack-name <name>          the stack
  --parameter-overrides K=V …  parameter values (after them, samconfig.toml's parameter_overrides)
  --no-execute-changeset       compute and show the change set, do not apply it
  --output json                machine-readable output
  --config-file <file>         samconfig.toml (default: next to the template)
  --config-env <env>           samconfig.toml environment (default 'default')
  --s3-bucket <name>           artifact bucket (default haneul-deploy-artifacts)
  --data <dir>                 the node's data directory, for its administrator key (HANEUL_DATA, default .haneul)
  --endpoint <url>             the node's API (default http://127.0.0.1:<HANEUL_API_PORT or 3001>)
  --gateway <url>              the node's gateway (default http://127.0.0.1:<HANEUL_GATEWAY_PORT or 3000>)
  --region <name>              the node's region (AWS_REGION, default us-east-1)
`;

function commandOf(argv: readonly string[]): [StackCommandConfig["command"], string[]] {
  const [first, second, ...rest] = argv;
  if (first === "deploy" || first === "stacks" || first === "delete-stack") {
    const name = first === "delete-stack" ? "delete" : first;
    return [name, argv.slice(1)];
  }
  if (first === "stack" && (second === "describe" || second === "events")) return [second, rest];
  throw new ConfigError(
    `unknown stack command '${[first, second].filter(Boolean).join(" ")}' (stack describe or stack events)`,
  );
}

/** Reads the options from `argv` (beginning with the command) and `env`; throws ConfigError with one clear line. */
export function loadStackCommandConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  cwd = process.cwd(),
): StackCommandConfig {
  const [command, args] = commandOf(argv);
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: {
        template: { type: "string", short: "t" },
        "template-file": { type: "string" },
        "stack-name": { type: "string" },
        "parameter-overrides": { type: "string", multiple: true },
        "no-execute-changeset": { type: "boolean" },
        output: { type: "string" },
        "config-file": { type: "string" },
        "config-env": { type: "string" },
        "s3-bucket": { type: "string" },
        data: { type: "string" },
        endpoint: { type: "string" },
        gateway: { type: "string" },
        region: { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const v = parsed.values;
  const output = v.output as string | undefined;
  if (output !== undefined && output !== "json" && output !== "text")
    throw new ConfigError("--output must be json or text");
  // --parameter-overrides takes the words after it, as the AWS CLI does: the rest are positionals here.
  const overrides = [...((v["parameter-overrides"] as string[] | undefined) ?? [])];
  const positionals = parsed.positionals.filter((p) => {
    if (overrides.length && p.includes("=")) return overrides.push(p) > 0 && false;
    return true;
  });
  const stackName = (v["stack-name"] as string | undefined) ?? (command === "deploy" ? undefined : positionals[0]);
  if (command !== "stacks" && !stackName)
    throw new ConfigError(
      `${command === "deploy" ? "deploy needs --stack-name <name>" : "the stack's name is missing"}`,
    );
  const template = resolve(
    cwd,
    (v.template as string | undefined) ?? (v["template-file"] as string | undefined) ?? "template.yaml",
  );
  const id = env["HANEUL_ACCESS_KEY_ID"] || undefined;
  const secret = env["HANEUL_SECRET_ACCESS_KEY"] || undefined;
  return Object.freeze({
    command,
    stackName,
    template: command === "deploy" ? template : undefined,
    parameterOverrides: overrides,
    noExecute: v["no-execute-changeset"] === true,
    json: output === "json",
    configFile: v["config-file"]
      ? resolve(cwd, v["config-file"] as string)
      : resolve(dirname(template), "samconfig.toml"),
    configEnv: (v["config-env"] as string | undefined) ?? "default",
    bucket: (v["s3-bucket"] as string | undefined) ?? "haneul-deploy-artifacts",
    dataDir: resolve(cwd, (v.data as string | undefined) ?? (env["HANEUL_DATA"] || ".haneul")),
    endpoint: (v.endpoint as string | undefined) ?? `http://127.0.0.1:${env["HANEUL_API_PORT"] || "3001"}`,
    gateway: (v.gateway as string | undefined) ?? `http://127.0.0.1:${env["HANEUL_GATEWAY_PORT"] || "3000"}`,
    region: (v.region as string | undefined) ?? (env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || "us-east-1"),
    adminKey: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
  });
}

/** `loadStackCommandConfig` over this process's environment. */
export function loadStackCommandConfigFromProcess(argv: readonly string[]): StackCommandConfig {
  return loadStackCommandConfig(process.env, argv);
}
