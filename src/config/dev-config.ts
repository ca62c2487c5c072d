import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError, loadServerConfig, type ServerConfig } from "./server-config.js";

/** Options of `haneul dev`, validated and frozen. */
export interface DevConfig {
  /** Absolute path of the template. */
  readonly templateFile: string;
  /** The stack the template is deployed as. */
  readonly stackName: string;
  /** Where the root server (a single API at `/`, every API at `/_api/<id>/<stage>/`) listens. */
  readonly port: number;
  readonly host: string;
  /** The in-process node: data in `.haneul/` next to the template, its Lambda API on --lambda-port. */
  readonly server: ServerConfig;
  /** Where the build goes (inside the data directory). */
  readonly buildDir: string;
  /** One JSON object per line instead of the readable log. */
  readonly json: boolean;
  /** Colours (a TTY, and NO_COLOR unset). */
  readonly color: boolean;
  /** Milliseconds of quiet after a file event before a reload starts (editors write in several steps). */
  readonly settleMs: number;
  /** Don't watch: build, deploy and serve only. */
  readonly watch: boolean;
  /** Environment overrides in `sam local`'s --env-vars format (absolute path). */
  readonly envVarsFile?: string | undefined;
  /** `--inspect <LogicalId>`: the function debugged, and the inspector's port on the loopback. */
  readonly inspect?: { readonly logicalId: string; readonly port: number } | undefined;
}

/** Usage text of `haneul dev`. */
export const DEV_USAGE = `usage: haneul dev [template.yaml] [options]

Local development: starts a node in this process (its data in .haneul/ next to the template),
builds and deploys the template as a stack, serves its APIs, prints the route table and one line
per invocation with the function's own output under it. Watches the functions' code, the layers
and the template: a changed function is rebuilt and gets new instances while the others stay
warm; a changed template is deployed again as a change set. A broken edit (template, build or
syntax error) is shown with its file and line, and the last good state keeps serving.

options:
  --port <n>            root server: a single API at /, any API at /_api/<id>/<stage>/ (default 3000)
  --lambda-port <n>     the node's Lambda (and CloudFormation, S3…) API (default 3001)
  --host <addr>         interface both listen on (default 127.0.0.1)
  --stack-name <name>   the stack (default: the template directory's name)
  --no-watch            build, deploy and serve, without watching files
  --env-vars <file>     environment overrides as sam local reads them: {"Parameters": {…},
                        "<LogicalId>": {…}}, or a dotenv file (KEY=value, for every function); only
                        variables the template declares (watched too). Default: .env next to the
                        template, if there is one
  --json                one JSON object per line (invocations, reloads) for machines
  --inspect <LogicalId> that function's instances run with the Node.js inspector on 127.0.0.1:9229
                        (--inspect-port): one instance at a time, no timeout while paused
  --region <name>       the node's region (default us-east-1)
`;

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const port = z.coerce.number().int().min(0).max(65535);

function defaultTemplate(cwd: string): string {
  return existsSync(join(cwd, "template.yaml")) || !existsSync(join(cwd, "template.yml"))
    ? "template.yaml"
    : "template.yml";
}

/** The stack name a directory gives: its name, cleaned up to CloudFormation's rules. */
function stackNameOf(dir: string): string {
  const base = (dir.split(/[\\/]/).pop() ?? "").replace(/[^A-Za-z0-9-]/g, "-").replace(/^[^A-Za-z]+/, "");
  return (base || "haneul-dev").slice(0, 128);
}

/** Reads `haneul dev` arguments; throws ConfigError with one clear line. */
export function loadDevConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  o: { readonly cwd?: string; readonly isTty?: boolean } = {},
): DevConfig {
  const cwd = o.cwd ?? process.cwd();
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        template: { type: "string", short: "t" },
        port: { type: "string", short: "p" },
        "lambda-port": { type: "string" },
        host: { type: "string" },
        "stack-name": { type: "string" },
        "no-watch": { type: "boolean" },
        json: { type: "boolean" },
        region: { type: "string" },
        "settle-ms": { type: "string" },
        "env-vars": { type: "string" },
        inspect: { type: "string" },
        "inspect-port": { type: "string" },
      },
      allowPositionals: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new ConfigError(`one template at most, not ${positionals.join(" ")}`);
  const templateFile = resolve(cwd, values.template ?? positionals[0] ?? defaultTemplate(cwd));
  if (!existsSync(templateFile)) throw new ConfigError(`template not found: ${templateFile}`);
  // Without --env-vars, a .env next to the template is read (and watched) as one.
  const dotEnv = join(dirname(templateFile), ".env");
  const envVarsFile =
    values["env-vars"] !== undefined ? resolve(cwd, values["env-vars"]) : existsSync(dotEnv) ? dotEnv : undefined;
  if (envVarsFile !== undefined && !existsSync(envVarsFile))
    throw new ConfigError(`--env-vars: no such file: ${envVarsFile}`);
  const number = (flag: string, raw: string | undefined, fallback: number) => {
    const p = port.safeParse(raw ?? fallback);
    if (!p.success) throw new ConfigError(`invalid --${flag} '${raw ?? ""}': a port number 0-65535`);
    return p.data;
  };
  const stackName = values["stack-name"] ?? stackNameOf(dirname(templateFile));
  if (!NAME.test(stackName)) throw new ConfigError(`invalid --stack-name '${stackName}': [A-Za-z][A-Za-z0-9-]*`);
  const host = values.host ?? "127.0.0.1";
  const dataDir = join(dirname(templateFile), ".haneul");
  const lambdaPort = number("lambda-port", values["lambda-port"], 3001);
  const server = loadServerConfig(
    { ...env, HANEUL_DATA: undefined, HANEUL_API_PORT: undefined, HANEUL_GATEWAY_PORT: undefined },
    [
      ...["--data", dataDir, "--api-port", String(lambdaPort), "--gateway-port", "0"],
      ...["--api-host", host, "--host", host, "--store", "sqlite"],
      ...(values.region ? ["--region", values.region] : []),
    ],
    cwd,
  );
  return Object.freeze({
    templateFile,
    stackName,
    port: number("port", values.port, 3000),
    host,
    server,
    buildDir: join(dataDir, "build"),
    json: values.json ?? false,
    color: (o.isTty ?? false) && !env["NO_COLOR"],
    settleMs: number("settle-ms", values["settle-ms"], 10),
    watch: !(values["no-watch"] ?? false),
    envVarsFile,
    inspect: inspectOption(values.inspect, number("inspect-port", values["inspect-port"], 9229)),
  });
}

function inspectOption(logicalId: string | undefined, port: number): DevConfig["inspect"] {
  if (logicalId === undefined) return undefined;
  if (!/^[A-Za-z0-9]+$/.test(logicalId))
    throw new ConfigError(`invalid --inspect '${logicalId}': the logical id of a function in the template`);
  if (port === 0) throw new ConfigError("invalid --inspect-port '0': a debugger needs a known port");
  return Object.freeze({ logicalId, port });
}

/** `loadDevConfig` over this process's environment. */
export function loadDevConfigFromProcess(argv: readonly string[]): DevConfig {
  return loadDevConfig(process.env, argv, { isTty: process.stdout.isTTY });
}

/** Options of `haneul invoke <LogicalId>` (a function of a template), validated and frozen. */
export interface TemplateInvokeConfig {
  readonly logicalId: string;
  readonly templateFile: string;
  readonly stackName: string;
  /** The event file, `-` for stdin, or undefined for `{}`. */
  readonly eventSource: string | undefined;
  /** `.haneul/` next to the template: a running `haneul dev` leaves its address there. */
  readonly devDataDir: string;
  /** A temporary node's configuration (used when no `haneul dev` runs): data in `dataDir`, ports chosen by the OS. */
  server(dataDir: string): ServerConfig;
}

/** Usage text of `haneul invoke <LogicalId>`. */
export const TEMPLATE_INVOKE_USAGE = `usage: haneul invoke <LogicalId> [--event <file>|-] [--template <file>] [--stack-name <name>]

Invokes a function of a SAM template by its logical id, as 'sam local invoke' does: through the
'haneul dev' running for that template when there is one (its current code, warm instances),
else on a temporary node that builds and deploys the template, invokes once and stops.
The result is printed on stdout, the function's log on stderr; exit status 1 when it fails.
'haneul generate-event' prints sample events.
`;

/** Reads `haneul invoke <LogicalId> …`; throws ConfigError with one clear line. */
export function loadTemplateInvokeConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  cwd = process.cwd(),
): TemplateInvokeConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        template: { type: "string", short: "t" },
        event: { type: "string", short: "e" },
        "stack-name": { type: "string" },
        region: { type: "string" },
      },
      allowPositionals: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const [logicalId, ...extra] = positionals;
  if (logicalId === undefined || extra.length) throw new ConfigError("give one function's logical id");
  const templateFile = resolve(cwd, values.template ?? defaultTemplate(cwd));
  if (!existsSync(templateFile)) throw new ConfigError(`template not found: ${templateFile}`);
  const stackName = values["stack-name"] ?? stackNameOf(dirname(templateFile));
  const region = values.region;
  return Object.freeze({
    logicalId,
    templateFile,
    stackName,
    eventSource: values.event,
    devDataDir: join(dirname(templateFile), ".haneul"),
    server: (dataDir: string) =>
      loadServerConfig(
        { ...env, HANEUL_DATA: undefined, HANEUL_API_PORT: undefined, HANEUL_GATEWAY_PORT: undefined },
        ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--store", "sqlite", "--quiet"].concat(
          region ? ["--region", region] : [],
        ),
        cwd,
      ),
  });
}

/** `loadTemplateInvokeConfig` over this process's environment. */
export function loadTemplateInvokeConfigFromProcess(argv: readonly string[]): TemplateInvokeConfig {
  return loadTemplateInvokeConfig(process.env, argv);
}
