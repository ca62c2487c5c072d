/**
 * `haneul deployments watch`: a deployment's live timeline, read through the CodeDeploy and
 * CloudWatch APIs until it ends. On a terminal the whole picture is redrawn in place; otherwise
 * (a pipe, a log, a test) each change is appended as one line, so the output reads as a timeline.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  type CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
  type DeploymentInfo,
  type DeploymentTarget,
  type LifecycleEvent,
} from "@aws-sdk/client-codedeploy";

const BAR_WIDTH = 20;
/** Exit statuses: the deployment succeeded, failed, or was stopped. */
const EXIT: Readonly<Record<string, number>> = { Succeeded: 0, Failed: 1, Stopped: 3 };

/** What a deployment shifts, the same for an alias (LambdaTarget) and a stage canary (CloudFormationTarget). */
export interface TargetView {
  /** `fn:live`, or `REST API abc stage prod`. */
  readonly name: string;
  /** "version" or "deployment". */
  readonly unit: string;
  readonly from: string;
  readonly to: string;
  /** The new side's share, 0-1. */
  readonly weight: number;
  readonly lifecycleEvents: readonly LifecycleEvent[];
}

/** One reading of the deployment. */
interface Snapshot {
  readonly info: DeploymentInfo;
  readonly target: TargetView | undefined;
  readonly alarms: ReadonlyMap<string, string>;
}

/** The new version's share as a bar, e.g. "[██░░░░…] 10% on version 2, 90% on version 1". */
export function trafficBar(share: number, from: string, to: string, unit = "version"): string {
  const filled = Math.round((share / 100) * BAR_WIDTH);
  const bar = `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}]`;
  return `${bar} ${share}% on ${unit} ${to}, ${100 - share}% on ${unit} ${from}`;
}

/** A stage canary's stage and deployments, from its AppSpec (a CloudFormationTarget does not carry them). */
function stageOf(info: DeploymentInfo): Record<string, string> {
  try {
    const doc = JSON.parse(info.revision?.appSpecContent?.content ?? "{}") as { Resources?: object[] };
    const [resource] = Object.values(doc.Resources?.[0] ?? {}) as { Properties?: Record<string, string> }[];
    return resource?.Properties ?? {};
  } catch {
    return {};
  }
}

/** The deployment's target as `watch` and `get` show it. */
export function targetViewOf(info: DeploymentInfo, t: DeploymentTarget | undefined): TargetView | undefined {
  const fn = t?.lambdaTarget?.lambdaFunctionInfo;
  if (t?.lambdaTarget && fn) {
    const { currentVersion: from = "", targetVersion: to = "", targetVersionWeight: weight = 0 } = fn;
    const name = `${fn.functionName ?? ""}:${fn.functionAlias ?? ""}`;
    return { name, unit: "version", from, to, weight, lifecycleEvents: t.lambdaTarget.lifecycleEvents ?? [] };
  }
  const cf = t?.cloudFormationTarget;
  if (!cf) return undefined;
  const p = stageOf(info);
  return {
    ...{ name: `REST API ${p["RestApiId"] ?? ""} stage ${p["StageName"] ?? ""}`, unit: "deployment" },
    ...{ from: p["CurrentDeploymentId"] ?? "", to: p["TargetDeploymentId"] ?? "", weight: cf.targetVersionWeight ?? 0 },
    lifecycleEvents: cf.lifecycleEvents ?? [],
  };
}

/** The picture of a deployment: one line per aspect, keyed so that a change of one shows alone. */
export function timelineLines(s: Snapshot): Map<string, string> {
  const d = s.info;
  const t = s.target;
  const lines = new Map<string, string>();
  const head = t ? ` ${t.name} ${t.from} → ${t.to}` : "";
  lines.set("status", `deployment ${d.deploymentId ?? ""}${head} (${d.deploymentConfigName ?? ""}): ${d.status}`);
  if (t) lines.set("traffic", `traffic ${trafficBar(Math.round(t.weight * 100), t.from, t.to, t.unit)}`);
  for (const e of s.target?.lifecycleEvents ?? []) {
    const why = e.diagnostics?.message ? `: ${e.diagnostics.message}` : "";
    lines.set(`event ${e.lifecycleEventName ?? ""}`, `${e.lifecycleEventName ?? ""} ${e.status ?? ""}${why}`);
  }
  // The canary judge's verdicts and the synthetic invocations, one line each (a held step's line changes in place).
  (d.deploymentStatusMessages ?? []).forEach((m, i) => lines.set(`message ${i}`, m));
  for (const [name, state] of s.alarms) lines.set(`alarm ${name}`, `alarm ${name} ${state}`);
  if (d.errorInformation)
    lines.set("error", `${d.status ?? ""}: [${d.errorInformation.code ?? ""}] ${d.errorInformation.message ?? ""}`);
  const r = d.rollbackInfo;
  if (r?.rollbackMessage) lines.set("rollback", `rollback: ${r.rollbackMessage}`);
  if (r?.rollbackDeploymentId) lines.set("rollback id", `rollback deployment ${r.rollbackDeploymentId}`);
  return lines;
}

async function read(cd: CodeDeployClient, cw: CloudWatchClient, id: string): Promise<Snapshot> {
  const info = (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo ?? {};
  const [targetId] = (await cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }))).targetIds ?? [];
  const target = targetId
    ? targetViewOf(
        info,
        (await cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId }))).deploymentTarget,
      )
    : undefined;
  const names = (info.overrideAlarmConfiguration?.enabled ? (info.overrideAlarmConfiguration.alarms ?? []) : [])
    .map((a) => a.name ?? "")
    .filter(Boolean);
  const alarms = new Map<string, string>();
  if (names.length > 0) {
    const found = await cw.send(new DescribeAlarmsCommand({ AlarmNames: names }));
    for (const n of names) alarms.set(n, "missing");
    for (const a of found.MetricAlarms ?? []) alarms.set(a.AlarmName ?? "", a.StateValue ?? "");
  }
  return { info, target, alarms };
}

/** Writes the timeline of deployment `id` to `write` until it ends; resolves to the exit status. */
export async function watchDeployment(
  clients: { cd: CodeDeployClient; cw: CloudWatchClient },
  id: string,
  o: { intervalMs: number; tty: boolean; write: (text: string) => void },
): Promise<number> {
  const shown = new Map<string, string>();
  let drawn = 0;
  for (;;) {
    const s = await read(clients.cd, clients.cw, id);
    const lines = timelineLines(s);
    if (o.tty) {
      // Back to the top of the last picture, then draw over it, clearing what is left.
      const up = drawn > 0 ? `\x1b[${drawn}F` : "";
      o.write(`${up}${[...lines.values()].map((l) => `\x1b[2K${l}`).join("\n")}\n\x1b[J`);
      drawn = lines.size;
    } else {
      const stamp = new Date().toISOString().slice(11, 19);
      for (const [key, line] of lines) if (shown.get(key) !== line) o.write(`${stamp} ${line}\n`);
    }
    for (const [key, line] of lines) shown.set(key, line);
    const status = s.info.status ?? "";
    if (status in EXIT) return EXIT[status] ?? 1;
    await sleep(o.intervalMs);
  }
}
