/** The build tools of `haneul dev`: npm, and one esbuild kept warm between builds (incremental rebuilds, syntax checks). */
import { IncrementalEsbuildBundler } from "../adapters/build/incremental-esbuild.js";
import type { DevBuildTools, PackageInstaller } from "../ports/build-tools.js";

/** npm plus an incremental esbuild; `dispose` releases esbuild's contexts. */
export function devBuildTools(installer: PackageInstaller): DevBuildTools {
  const esbuild = new IncrementalEsbuildBundler();
  return { installer, bundler: esbuild, checker: esbuild, dispose: () => esbuild.dispose() };
}
