/**
 * `haneul deployments list|get` and `haneul rollback`: the node's CodeDeploy deployments, read and
 * acted on through its CodeDeploy and Lambda APIs with the administrator key.
 */
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
  ContinueDeploymentCommand,
  type DeploymentInfo,
  type LambdaTarget,
} from "@aws-sdk/client-codedeploy";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { STSClient } from "@aws-sdk/client-sts";
import { LambdaClient, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { credentialsFile, readCredentialsFile } from "../api/credentials.js";
import {
  DEPLOYMENTS_USAGE,
  loadDeploymentsConfigFromProcess,
  type DeploymentsCommandConfig,
} from "../config/deployments-options.js";
import { ConfigError } from "../config/server-config.js";
import { targetViewOf, watchDeployment } from "./deployments-watch.js";
import { checkStageCanaryOptions, startStageCanary } from "./stage-canary-command.js";

interface Clients {
  readonly cd: CodeDeployClient;
  readonly apigw: APIGatewayClient;
  readonly lambda: LambdaClient;
  readonly cw: CloudWatchClient;
}

const FINAL = new Set(["Succeeded", "Failed", "Stopped"]);
const out = (text: string) => void process.stdout.write(text);
const time = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d+Z$/, "Z") : "-");

async function allDeployments(c: Clients, applicationName?: string): Promise<DeploymentInfo[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await c.cd.send(new ListDeploymentsCommand({ applicationName, nextToken }));
    ids.push(...(page.deployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const batch = await c.cd.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }));
    infos.push(...(batch.deploymentsInfo ?? []));
  }
  return infos;
}

async function targetOf(c: Clients, deploymentId: string, targetId: string): Promise<LambdaTarget | undefined> {
  try {
    const { deploymentTarget } = await c.cd.send(new GetDeploymentTargetCommand({ deploymentId, targetId }));
    return deploymentTarget?.lambdaTarget;
  } catch (e) {
    if ((e as Error).name === "DeploymentTargetDoesNotExistException") return undefined;
    throw e;
  }
}

async function list(config: DeploymentsCommandConfig, c: Clients): Promise<number> {
  const infos = await allDeployments(c, config.applicationName);
  if (config.json) return (out(`${JSON.stringify(infos, null, 2)}\n`), 0);
  const rows = infos.map((d) => [
    d.deploymentId ?? "",
    d.applicationName ?? "",
    d.deploymentGroupName ?? "",
    d.deploymentConfigName ?? "",
    d.status ?? "",
    d.errorInformation?.code ?? "",
    time(d.createTime),
  ]);
  const header = ["DEPLOYMENT", "APPLICATION", "GROUP", "CONFIG", "STATUS", "ERROR", "CREATED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  out([line(header), ...rows.map(line)].join("\n") + "\n");
  return 0;
}

async function get(config: DeploymentsCommandConfig, c: Clients): Promise<number> {
  const id = config.subject ?? "";
  const d = (await c.cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
  const [targetId] = (await c.cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }))).targetIds ?? [];
  const raw =
    targetId === undefined
      ? undefined
      : (await c.cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId }))).deploymentTarget;
  if (config.json) {
    const targets = { lambdaTarget: raw?.lambdaTarget, cloudFormationTarget: raw?.cloudFormationTarget };
    return (out(`${JSON.stringify({ deploymentInfo: d, ...targets }, null, 2)}\n`), 0);
  }
  const t = d && targetViewOf(d, raw);
  const lines = [
    `Deployment ${id}: ${d?.status ?? ""} (${d?.deploymentConfigName ?? ""}, ${d?.applicationName ?? ""}/${d?.deploymentGroupName ?? ""})`,
    t && `  ${t.name}  ${t.unit} ${t.from} → ${t.to}, new ${t.unit}'s share ${Math.round(t.weight * 100)} %`,
    `  created ${time(d?.createTime)}  started ${time(d?.startTime)}  completed ${time(d?.completeTime)}`,
    ...(t?.lifecycleEvents ?? []).map(
      (e) =>
        `  ${(e.lifecycleEventName ?? "").padEnd(20)} ${(e.status ?? "").padEnd(11)}${e.diagnostics?.message ? ` ${e.diagnostics.message}` : ""}`,
    ),
    ...(d?.deploymentStatusMessages ?? []).map((m) => `  ${m}`),
    d?.errorInformation && `  error ${d.errorInformation.code ?? ""}: ${d.errorInformation.message ?? ""}`,
    d?.rollbackInfo?.rollbackMessage && `  rollback: ${d.rollbackInfo.rollbackMessage}`,
  ];
  out(lines.filter(Boolean).join("\n") + "\n");
  return 0;
}

/** Stops an active deployment on the alias with rollback, or points it back at the version the latest one replaced. */
async function rollback(config: DeploymentsCommandConfig, c: Clients): Promise<number> {
  const targetId = `${config.subject ?? ""}:${config.alias ?? ""}`;
  for (const d of await allDeployments(c)) {
    // A rollback deployment undid another: the version before it is the one it took away.
    if (d.creator === "codeDeployRollback") continue;
    const target = await targetOf(c, d.deploymentId ?? "", targetId);
    const info = target?.lambdaFunctionInfo;
    if (!info?.currentVersion) continue;
    if (!FINAL.has(d.status ?? "")) {
      await c.cd.send(new StopDeploymentCommand({ deploymentId: d.deploymentId, autoRollbackEnabled: true }));
      out(`Deployment ${d.deploymentId ?? ""} stopped; ${targetId} returns to version ${info.currentVersion}\n`);
      return 0;
    }
    await c.lambda.send(
      new UpdateAliasCommand({
        FunctionName: info.functionName,
        Name: info.functionAlias,
        FunctionVersion: info.currentVersion,
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );
    out(`${targetId} points at version ${info.currentVersion} again (before deployment ${d.deploymentId ?? ""})\n`);
    return 0;
  }
  process.stderr.write(`haneul rollback: no deployment of ${targetId} to roll back\n`);
  return 1;
}

/** The newest deployment of `<function>:<alias>` (a rollback deployment names the one it undid). */
async function latestOf(c: Clients, targetId: string): Promise<string | undefined> {
  const infos = (await allDeployments(c))
    .filter((d) => d.creator !== "codeDeployRollback")
    .sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
  for (const d of infos) if (await targetOf(c, d.deploymentId ?? "", targetId)) return d.deploymentId;
  return undefined;
}

async function watch(config: DeploymentsCommandConfig, c: Clients): Promise<number> {
  let id = config.subject ?? "";
  if (config.latest) {
    const targetId = `${id}:${config.alias ?? ""}`;
    const found = await latestOf(c, targetId);
    if (!found) return (process.stderr.write(`haneul deployments watch: no deployment of ${targetId}\n`), 1);
    id = found;
  }
  return watchDeployment(c, id, { intervalMs: config.intervalMs, tty: process.stdout.isTTY, write: out });
}

async function promote(config: DeploymentsCommandConfig, c: Clients): Promise<number> {
  const id = config.subject ?? "";
  await c.cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: "READY_WAIT" }));
  out(`Deployment ${id} promoted: the remaining traffic waits are skipped\n`);
  return 0;
}

const RUN = { list, get, watch, promote, rollback, "start-stage-canary": startStageCanary } as const;

/** Runs `haneul deployments …` or `haneul rollback …` (`argv` begins with the command's name); resolves to the exit status. */
export async function runDeploymentsCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) return (out(DEPLOYMENTS_USAGE), 0);
  let config: DeploymentsCommandConfig;
  try {
    config = loadDeploymentsConfigFromProcess(argv);
    checkStageCanaryOptions(config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul: ${e.message}\n\n${DEPLOYMENTS_USAGE}`);
    return 2;
  }
  const key = config.adminKey ?? (await readCredentialsFile(credentialsFile(config.dataDir)).catch(() => undefined));
  if (key === undefined) {
    process.stderr.write(`haneul: no administrator key: ${credentialsFile(config.dataDir)} is missing\n`);
    return 2;
  }
  const common = { region: config.region, endpoint: config.endpoint, credentials: key, maxAttempts: 1 };
  const clients = {
    cd: new CodeDeployClient(common),
    apigw: new APIGatewayClient(common),
    lambda: new LambdaClient(common),
    cw: new CloudWatchClient(common),
    sts: new STSClient(common),
  };
  try {
    return await RUN[config.command](config, clients);
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`haneul ${argv[0] ?? ""}: ${err.name}: ${err.message}\n`);
    return 1;
  } finally {
    clients.cd.destroy();
    clients.apigw.destroy();
    clients.lambda.destroy();
    clients.cw.destroy();
    clients.sts.destroy();
  }
}
