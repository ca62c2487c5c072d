/** Stacks: building and deploying templates. Other parts reach this feature through here. */
export { runBuild } from "./build/build.js";
export type { BuildOptions, BuildResult } from "./build/build.js";
export { BuildError } from "./build/build-error.js";
export { StackEngine } from "./deploy/engine.js";
export type { StackEngineOptions } from "./deploy/engine.js";
export type {
  StackAlarms,
  StackBuses,
  StackDeployments,
  StackLogs,
  StackMappings,
  StackQueues,
  StackServices,
} from "./deploy/handler.js";
export type { ChangeSetInput, ParameterEntry } from "./deploy/change-sets.js";
export { localArtifacts } from "./deploy/package-template.js";
export { recordedOnly } from "./deploy/handlers.js";
export { buildUnits } from "./build/units.js";
export type { BuildUnit } from "./build/units.js";
export { zipArtifact } from "./deploy/package-template.js";
