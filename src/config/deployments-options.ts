import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "./server-config.js";

/** Options of `haneul deployments` and `haneul rollback`, validated and frozen. */
export interface DeploymentsCommandConfig {
  readonly command: "list" | "get" | "promote" | "watch" | "rollback" | "start-stage-canary";
  /** The deployment id (get, promote, watch), or the function (rollback, watch --latest). */
  readonly subject?: string | undefined;
  readonly applicationName?: string | undefined;
  readonly alias?: string | undefined;
  /** watch: the newest deployment of the function named by `subject` (and `alias`). */
  readonly latest: boolean;
  /** watch: how often the deployment is read (milliseconds of real time). */
  readonly intervalMs: number;
  readonly json: boolean;
  readonly dataDir: string;
  readonly endpoint: string;
  readonly region: string;
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** start-stage-canary: the REST stage, the deployment its canary steps to, the config and the alarms. */
  readonly stageCanary?: StageCanaryOptions | undefined;
}

/** What `haneul deployments start-stage-canary` starts. */
export interface StageCanaryOptions {
  readonly restApiId: string;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly configName: string;
  readonly alarms: readonly string[];
  readonly description?: string | undefined;
  /** The group's haneul:minInvocationsPerStep (the traffic guard): requests of the canary's deployment a step needs. */
  readonly minRequestsPerStep?: number | undefined;
  /** The group's haneul:canaryJudge: the fewest requests of each deployment the judge decides on. */
  readonly judge?: number | undefined;
  /** The group's haneul:testEvent: the request (JSON text) the guard sends an idle canary. */
  readonly testEvent?: string | undefined;
}

const COMMANDS = new Set(["list", "get", "promote", "watch", "rollback", "start-stage-canary"]);
const DEFAULT_STAGE_CANARY_CONFIG = "CodeDeployDefault.LambdaCanary10Percent5Minutes";
/** The node's bound on haneul:minInvocationsPerStep and haneul:canaryJudge. */
const MAX_COUNT = 1_000_000;

/** Usage text of `haneul deployments` and `haneul rollback`. */
export const DEPLOYMENTS_USAGE = `usage: haneul deployments list [--application-name <name>] [--output json]
       haneul deployments get <deployment-id> [--output json]
       haneul deployments watch <deployment-id> | --latest <function> --alias <name> [--interval <ms>]
       haneul deployments promote <deployment-id>
       haneul deployments start-stage-canary --rest-api-id <id> --stage <name> --deployment-id <id>
                                             [--config <deployment-config>] [--alarms <a,b>] [--description <text>]
                                             [--min-requests-per-step <n>] [--judge <n>] [--test-event <json>|file://<file>]
       haneul rollback <function> --alias <name>

Lists and shows the node's CodeDeploy deployments (status, traffic share, lifecycle events, the
reason a deployment stopped), and rolls an alias back: a deployment in progress on it is stopped
with rollback; otherwise the alias returns to the version its latest deployment replaced.
\`watch\` follows a deployment until it ends: the traffic split, each lifecycle event, the alarms'
states and the reason for a rollback, redrawn in place on a terminal and as appended lines
otherwise; its exit status is 0 when the deployment succeeded, 1 when it failed, 3 when it was
stopped. \`promote\` skips the remaining traffic waits (ContinueDeployment): all traffic moves to
the new version once a BeforeAllowTraffic hook has passed, then AfterAllowTraffic runs.
\`start-stage-canary\` (a haneul extension) steps a REST stage's canary to another deployment of
the API as a deployment config steps an alias (10 % then 100 %, or +10 % every N minutes), watched by
the alarms: an alarm in ALARM or a stop removes the canary; the last step promotes it (the canary's
deployment and variable overrides become the stage's). It is a CodeDeploy deployment of the
application haneul-stage-canaries, group <rest-api-id>.<stage>; list, get, watch, promote and stop
work on it as on any. --min-requests-per-step, --judge and --test-event set the group's tags
haneul:minInvocationsPerStep, haneul:canaryJudge and haneul:testEvent; a tag whose option is not
given keeps the value the group has. To remove one:
  awsh deploy untag-resource --resource-arn arn:aws:codedeploy:<region>:<account>:deploymentgroup:haneul-stage-canaries/<rest-api-id>.<stage> --tag-keys haneul:canaryJudge

  --application-name <name>    only this application's deployments
  --alias <name>               the alias to roll back (or, with watch --latest, to watch)
  --latest <function>          watch the newest deployment of this function's alias (rollback deployments aside)
  --interval <ms>              how often watch reads the deployment (default 1000)
  --output json                machine-readable output
  --rest-api-id <id>           start-stage-canary: the REST API
  --stage <name>               start-stage-canary: its stage (it must exist; it keeps its deployment until promotion)
  --deployment-id <id>         start-stage-canary: the deployment the canary serves
  --config <name>              start-stage-canary: the deployment config (default ${DEFAULT_STAGE_CANARY_CONFIG})
  --alarms <a,b>               start-stage-canary: the CloudWatch alarms that roll the canary back
  --description <text>         start-stage-canary: the deployment's description
  --min-requests-per-step <n>  start-stage-canary: the traffic guard: a step advances once the canary's deployment
                               served n requests in it (1-${MAX_COUNT})
  --judge <n>                  start-stage-canary: the canary judge: compares the canary's requests with the stage's,
                               deciding once each side served n (1-${MAX_COUNT})
  --test-event <json>          start-stage-canary: the request the guard sends an idle canary, inline JSON or
                               file://<file> (or a file's path): {"httpMethod", "path", "headers",
                               "queryStringParameters", "body", "isBase64Encoded"}; needs --min-requests-per-step
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
  const named = first === "rollback" ? "rollback" : second;
  if (named === undefined || !COMMANDS.has(named))
    throw new ConfigError(
      `unknown deployments command '${second ?? ""}' (deployments list, get, watch, promote or start-stage-canary)`,
    );
  const command = named as DeploymentsCommandConfig["command"];
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv.slice(command === "rollback" ? 1 : 2),
      options: {
        "application-name": { type: "string" },
        alias: { type: "string" },
        latest: { type: "string" },
        interval: { type: "string" },
        output: { type: "string" },
        data: { type: "string" },
        endpoint: { type: "string" },
        region: { type: "string" },
        "rest-api-id": { type: "string" },
        stage: { type: "string" },
        "deployment-id": { type: "string" },
        config: { type: "string" },
        alarms: { type: "string" },
        description: { type: "string" },
        "min-requests-per-step": { type: "string" },
        judge: { type: "string" },
        "test-event": { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const v = parsed.values;
  const latest = v.latest as string | undefined;
  const subject = latest ?? parsed.positionals[0];
  if ((command === "get" || command === "promote") && !subject)
    throw new ConfigError(`deployments ${command} needs the deployment's id`);
  if (command === "watch" && (latest === undefined ? !subject : !v.alias))
    throw new ConfigError("deployments watch needs <deployment-id>, or --latest <function> --alias <name>");
  const interval = Number(v.interval ?? "1000");
  if (!Number.isInteger(interval) || interval < 50 || interval > 60_000)
    throw new ConfigError("--interval must be a whole number of milliseconds, 50-60000");
  if (command === "rollback" && (!subject || !v.alias))
    throw new ConfigError("rollback needs <function> --alias <name>");
  if (v.output !== undefined && v.output !== "json" && v.output !== "text")
    throw new ConfigError("--output must be json or text");
  const stageCanary = command === "start-stage-canary" ? stageCanaryOf(v, cwd) : undefined;
  const id = env["HANEUL_ACCESS_KEY_ID"] || undefined;
  const secret = env["HANEUL_SECRET_ACCESS_KEY"] || undefined;
  return Object.freeze({
    command,
    subject,
    applicationName: v["application-name"] as string | undefined,
    alias: v.alias as string | undefined,
    latest: latest !== undefined,
    intervalMs: interval,
    json: v.output === "json",
    dataDir: resolve(cwd, (v.data as string | undefined) ?? (env["HANEUL_DATA"] || ".haneul")),
    endpoint: (v.endpoint as string | undefined) ?? `http://127.0.0.1:${env["HANEUL_API_PORT"] || "3001"}`,
    region: (v.region as string | undefined) ?? (env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || "us-east-1"),
    adminKey: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
    stageCanary,
  });
}

/** A count option (1-MAX_COUNT), or undefined when not given. */
function countOf(v: Record<string, string | boolean | undefined>, flag: string, what: string): number | undefined {
  const value = v[flag];
  if (typeof value !== "string") return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_COUNT)
    throw new ConfigError(`--${flag} must be a whole number of ${what}, 1-${MAX_COUNT}: ${value}`);
  return n;
}

/** The stage test event: inline JSON, file://<file> or a file's path (its request is checked by the command, as the node checks it). */
function testEventOf(value: string, cwd: string): string {
  let text = value;
  if (!value.trimStart().startsWith("{")) {
    const file = resolve(cwd, value.startsWith("file://") ? value.slice("file://".length) : value);
    try {
      text = readFileSync(file, "utf8").trim();
    } catch (e) {
      throw new ConfigError(`--test-event: cannot read ${file}: ${(e as Error).message}`);
    }
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`--test-event is not JSON: ${(e as Error).message}`);
  }
  return text;
}

function stageCanaryOf(v: Record<string, string | boolean | undefined>, cwd: string): StageCanaryOptions {
  const need = (flag: string): string => {
    const value = v[flag];
    if (typeof value !== "string" || value === "") throw new ConfigError(`start-stage-canary needs --${flag}`);
    return value;
  };
  const alarms = typeof v["alarms"] === "string" ? v["alarms"].split(",").map((a) => a.trim()) : [];
  if (alarms.some((a) => a === "")) throw new ConfigError("--alarms is a comma-separated list of alarm names");
  const minRequestsPerStep = countOf(v, "min-requests-per-step", "requests");
  if (v["test-event"] !== undefined && minRequestsPerStep === undefined)
    throw new ConfigError(
      "--test-event needs --min-requests-per-step: it says how many requests of the canary's deployment a step needs",
    );
  return Object.freeze({
    restApiId: need("rest-api-id"),
    stageName: need("stage"),
    deploymentId: need("deployment-id"),
    configName: typeof v["config"] === "string" ? v["config"] : DEFAULT_STAGE_CANARY_CONFIG,
    alarms,
    description: v["description"] as string | undefined,
    minRequestsPerStep,
    judge: countOf(v, "judge", "requests per deployment"),
    testEvent: typeof v["test-event"] === "string" ? testEventOf(v["test-event"], cwd) : undefined,
  });
}

/** `loadDeploymentsConfig` over this process's environment. */
export function loadDeploymentsConfigFromProcess(argv: readonly string[]): DeploymentsCommandConfig {
  return loadDeploymentsConfig(process.env, argv);
}
