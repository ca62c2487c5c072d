/**
 * haneul's series of a stage's requests split by the deployment that served them, published while
 * the stage has a canary (AWS documents no dimension for a canary's metrics): what alarms on the
 * canary alone and the stage canary judge read.
 */
import type { Dimension } from "./metric-key.js";

/** The namespace of a stage's requests per serving deployment. */
export const STAGE_SPLIT_NAMESPACE = "Haneul/ApiGateway";

/** The metrics published there per deployment (those AWS/ApiGateway has per stage). */
export const STAGE_SPLIT_METRICS: readonly string[] = [
  "Count",
  "4XXError",
  "5XXError",
  "Latency",
  "IntegrationLatency",
];

/** The series of a stage's requests that `deploymentId` served (REST APIs: by name). */
export function stageSplitDimensions(apiName: string, stage: string, deploymentId: string): Dimension[] {
  return [
    { name: "ApiName", value: apiName },
    { name: "Stage", value: stage },
    { name: "DeploymentId", value: deploymentId },
  ];
}
