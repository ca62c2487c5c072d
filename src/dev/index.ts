/** `haneul dev`: the local loop (route table, root server, live log, reload plans, sample events). */
export { devApis, gatewayPrefix, routeTableLines } from "./routes.js";
export type { DevApi, StackResource } from "./routes.js";
export { DevRootServer } from "./root-server.js";
export { invocationJson, invocationLines } from "./log-lines.js";
export type { NameOf } from "./log-lines.js";
export { ignoredFor, ignoredPath, planReload } from "./watch-plan.js";
export type { ReloadPlan, WatchedUnit } from "./watch-plan.js";
export { TreeWatcher } from "./tree-watcher.js";
export { COMMON_OPTIONS, generateEvent, SAMPLE_EVENTS } from "./sample-events.js";
export type { EventType, EventValues } from "./sample-events.js";
export { applyEnvVars, parseEnvVars } from "./env-vars.js";
export type { EnvOverrides } from "./env-vars.js";
export { DevControlServer } from "./control-server.js";
export { instanceShapes } from "./instance-shapes.js";
export type { TriggerHandler } from "./control-server.js";
