/** Stacks: building and (later) deploying templates. Other parts reach this feature through here. */
export { runBuild } from "./build/build.js";
export type { BuildOptions, BuildResult } from "./build/build.js";
export { BuildError } from "./build/build-error.js";
