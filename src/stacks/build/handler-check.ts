import { existsSync } from "node:fs";
import { join } from "node:path";
import { BuildError } from "./build-error.js";

const EXTENSIONS = [".js", ".mjs", ".cjs"];

/** Checks the handler's module is in the built artifact, as the Node.js runtime would look for it. */
export function checkHandlerFile(logicalId: string, handler: string, artifactDir: string, shownDir: string): void {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new BuildError(`${logicalId}: Handler '${handler}' is not of the form file.function`);
  const module = handler.slice(0, dot);
  if (EXTENSIONS.some((ext) => existsSync(join(artifactDir, module + ext)))) return;
  throw new BuildError(
    `${logicalId}: the handler '${handler}' needs ${module}.js (or .mjs, .cjs), which is not in ${shownDir}`,
  );
}
