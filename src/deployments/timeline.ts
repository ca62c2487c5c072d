/**
 * A deployment's state in one line of words (a stack event's reason, `haneul deploy`'s progress):
 * which lifecycle event runs, the new version's share of traffic, how it ended and why.
 */
import type { DeploymentRecord } from "../ports/deployment-store.js";
import { targetName, targetSides } from "./targets.js";

/** Where the deployment stands, e.g. "10% of traffic on version 2 (BeforeAllowTraffic Succeeded)". */
export function deploymentLine(d: DeploymentRecord): string {
  const sides = targetSides(d.target);
  const head = `CodeDeploy deployment ${d.id} (${targetName(d.target)} ${sides.old} → ${sides.new})`;
  if (d.status === "Succeeded") return `${head}: Succeeded, all traffic on ${sides.new}`;
  if (d.status === "Failed" || d.status === "Stopped") {
    const why = d.errorInformation ? ` [${d.errorInformation.code}] ${d.errorInformation.message}` : "";
    const back = d.rollbackInfo ? ` ${d.rollbackInfo.rollbackMessage}` : "";
    return `${head}: ${d.status}:${why}${back}`;
  }
  const running = d.lifecycleEvents.find((e) => e.status === "InProgress");
  if (!running) return `${head}: ${d.status}`;
  if (running.name === "AllowTraffic") return `${head}: ${d.weight}% of traffic on ${sides.new}`;
  return `${head}: ${running.name} hook ${running.hookFunction ?? ""} running`;
}
