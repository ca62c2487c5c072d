import { isAbsolute, relative, sep } from "node:path";

/**
 * What a batch of changed files asks of `haneul dev`: the template (or a layer) changed → deploy
 * the stack again as a change set; only functions' code changed → rebuild those functions and
 * give them new code (new instances), the other functions keeping theirs.
 */

/** A watched code location: a function's or a layer's source, absolute. */
export interface WatchedUnit {
  readonly logicalId: string;
  readonly kind: "function" | "layer";
  readonly source: string;
}

/** The reload a batch of changes needs. */
export interface ReloadPlan {
  /** Deploy the whole template as a change set (the template or a layer changed). */
  readonly deploy: boolean;
  /** Functions whose code changed (when `deploy` is false, only these are reloaded). */
  readonly functions: readonly string[];
  /** The changed files inside those functions (their syntax is checked before anything is deployed). */
  readonly files: readonly string[];
}

/** Directories whose changes never matter: dependencies, VCS data, build output. */
const IGNORED = new Set(["node_modules", ".git", ".haneul", ".haneul-build", ".aws-sam"]);

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** True for files under an ignored directory (relative to `root`). */
export function ignoredPath(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel.split(sep).some((part) => IGNORED.has(part));
}

/**
 * True for paths the loop ignores: under an ignored directory, except inside a layer, whose
 * `nodejs/node_modules/…` is the layer's content (only the layer's own top-level build folders are ignored).
 */
export function ignoredFor(root: string, path: string, units: readonly WatchedUnit[]): boolean {
  const layer = units.find((u) => u.kind === "layer" && inside(u.source, path));
  if (layer) return IGNORED.has(relative(layer.source, path).split(sep)[0] ?? "");
  return ignoredPath(root, path);
}

/** The plan for `changed` (absolute paths). */
export function planReload(
  changed: Iterable<string>,
  o: { templateFile: string; units: readonly WatchedUnit[]; alsoDeploy?: readonly string[] },
): ReloadPlan {
  let deploy = false;
  const functions = new Set<string>();
  const files: string[] = [];
  for (const file of changed) {
    if (file === o.templateFile || o.alsoDeploy?.includes(file)) {
      deploy = true;
      continue;
    }
    for (const unit of o.units) {
      if (!inside(unit.source, file) || ignoredFor(unit.source, file, [unit])) continue;
      if (unit.kind === "layer") deploy = true;
      else {
        functions.add(unit.logicalId);
        files.push(file);
      }
    }
  }
  return { deploy, functions: [...functions].sort(), files };
}
