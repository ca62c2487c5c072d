export { DeploymentEngine, POLL_MS, type DeploymentEngineOptions } from "./engine.js";
export {
  DeploymentService,
  deploymentId,
  type CreateDeploymentInput,
  type DeploymentServiceOptions,
} from "./service.js";
export { DeploymentCatalog, TRAFFIC_GUARD_TAG, type GroupInput } from "./catalog.js";
export { HOOK_DEADLINE_MS, type DriverEffects } from "./driver.js";
export { PREDEFINED_CONFIGS, trafficSteps, trafficRoutingView } from "./configs.js";
export { parseLambdaAppSpec, type LambdaAppSpec } from "./appspec.js";
export { deploymentLine } from "./timeline.js";
export { CANARY_JUDGE_TAG, stageTestRequestOf, TEST_EVENT_TAG, type StageTestRequest } from "./group-tags.js";
export { judge, verdictLine, type VersionStats } from "./judge.js";
export type { StageStats } from "./step-checks.js";
export { JUDGE_METRIC_TAG, compareMetric, type MetricSample, type MetricComparison } from "./judge-metrics.js";
export { checkTriggers, eventsOf, triggerMessages, TRIGGER_EVENTS, type TriggerMessage } from "./triggers.js";
