import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { stringify } from "yaml";
import { readTemplate } from "../../domain/template/read.js";
import { isObject } from "../../domain/template/values.js";
import type { TemplateObject } from "../../domain/template/values.js";
import type { BuildTools } from "../../ports/build-tools.js";
import { BuildError } from "./build-error.js";
import { bundleOptions } from "./esbuild-options.js";
import { absolutizeLocalDependencies, copySources, hasDependencies, hasLockfile, inputHash } from "./files.js";
import { checkHandlerFile } from "./handler-check.js";
import { buildUnits } from "./units.js";
import type { BuildUnit } from "./units.js";

/**
 * `haneul build`, as `sam build`: each function's production dependencies installed into its own
 * folder of the build directory (or its esbuild bundle written there), Node.js layers built into
 * `nodejs/node_modules`, and a built template next to them whose code locations point at those
 * folders. A unit whose inputs (sources, package.json and lockfile, build settings) are unchanged
 * since the last build is not rebuilt: the build directory keeps a manifest of input hashes.
 */

export interface BuildOptions {
  readonly templateFile: string;
  /** Where artifacts and the built template go (default `.haneul-build` next to the template). */
  readonly buildDir?: string | undefined;
  readonly tools: BuildTools;
  /** Progress lines (one per unit). */
  readonly log?: ((line: string) => void) | undefined;
  /**
   * Only these units' inputs are looked at (`haneul dev` knows which functions' files changed):
   * the others keep the artifacts of their last build, unless they have none yet.
   */
  readonly only?: readonly string[] | undefined;
}

export interface BuildResult {
  readonly buildDir: string;
  readonly builtTemplate: string;
  /** Units built this time. */
  readonly built: readonly string[];
  /** Units whose artifacts were reused, their inputs unchanged. */
  readonly reused: readonly string[];
}

interface Manifest {
  readonly version: 1;
  readonly units: Record<string, { readonly hash: string }>;
}

const MANIFEST = "build.manifest.json";
/** Tried, in order, for an entry point written without its extension (the handler's module). */
const ENTRY_EXTENSIONS = [".ts", ".mts", ".js", ".mjs", ".cjs"];

/** Builds the template's functions and layers; rejects with BuildError or the template's ValidationError. */
export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const templateFile = resolve(options.templateFile);
  if (!existsSync(templateFile)) throw new BuildError(`Template file not found at ${options.templateFile}`);
  const templateDir = dirname(templateFile);
  const buildDir = resolve(options.buildDir ?? join(templateDir, ".haneul-build"));
  const body = readTemplate(readFileSync(templateFile, "utf8"), options.templateFile).body;
  const units = buildUnits(body);
  mkdirSync(buildDir, { recursive: true });
  const previous = readManifest(buildDir);
  const manifest: Manifest = { version: 1, units: {} };
  const built: string[] = [];
  const reused: string[] = [];
  const locations = new Map<string, string>();
  for (const unit of units) {
    const source = resolve(templateDir, unit.source);
    if (!existsSync(source)) throw new BuildError(`${unit.logicalId}: ${unit.property} ${unit.source} does not exist`);
    if (unit.kind === "copy" || statSync(source).isFile()) {
      locations.set(unit.logicalId, relative(buildDir, source) || ".");
      continue;
    }
    const artifactDir = join(buildDir, unit.logicalId);
    const last = previous.units[unit.logicalId];
    if (options.only && !options.only.includes(unit.logicalId) && last && existsSync(artifactDir)) {
      manifest.units[unit.logicalId] = last;
      locations.set(unit.logicalId, unit.logicalId);
      reused.push(unit.logicalId);
      continue;
    }
    const hash = inputHash(source, { kind: unit.kind, settings: unit.settings }, [buildDir]);
    manifest.units[unit.logicalId] = { hash };
    locations.set(unit.logicalId, unit.logicalId);
    if (last?.hash === hash && existsSync(artifactDir)) {
      reused.push(unit.logicalId);
      options.log?.(`${unit.logicalId}: unchanged, not rebuilt`);
      continue;
    }
    rmSync(artifactDir, { recursive: true, force: true });
    options.log?.(`${unit.logicalId}: building (${unit.kind})`);
    await buildUnit(unit, { source, artifactDir, buildDir, tools: options.tools });
    built.push(unit.logicalId);
  }
  const builtTemplate = join(buildDir, "template.yaml");
  writeFileSync(builtTemplate, stringify(rewriteLocations(body, units, locations), { lineWidth: 0 }));
  writeFileSync(join(buildDir, MANIFEST), JSON.stringify(manifest, null, 2));
  return { buildDir, builtTemplate, built, reused };
}

async function buildUnit(
  unit: BuildUnit,
  ctx: { source: string; artifactDir: string; buildDir: string; tools: BuildTools },
): Promise<void> {
  const { source, artifactDir, buildDir, tools } = ctx;
  const shown = relative(process.cwd(), source) || ".";
  switch (unit.kind) {
    case "function-npm":
      copySources(source, artifactDir, [buildDir]);
      absolutizeLocalDependencies(artifactDir, source);
      if (hasDependencies(artifactDir))
        await tools.installer.install(artifactDir, { lockfile: hasLockfile(artifactDir) });
      checkHandlerFile(unit.logicalId, unit.handler ?? "", artifactDir, shown);
      return;
    case "function-esbuild": {
      let workingDir = source;
      if (hasDependencies(source) && !existsSync(join(source, "node_modules"))) {
        workingDir = join(buildDir, ".scratch", unit.logicalId);
        rmSync(workingDir, { recursive: true, force: true });
        copySources(source, workingDir, [buildDir]);
        absolutizeLocalDependencies(workingDir, source);
        await tools.installer.install(workingDir, { lockfile: hasLockfile(workingDir) });
      }
      const raw = bundleOptions(unit.logicalId, unit.buildProperties ?? {}, {
        sourceDir: source,
        workingDir,
        outdir: artifactDir,
        handler: unit.handler ?? "",
      });
      const entryPoints = raw.entryPoints.map((entry) => {
        const found = [entry, ...ENTRY_EXTENSIONS.map((ext) => entry + ext)].find(
          (f) => existsSync(f) && statSync(f).isFile(),
        );
        if (!found)
          throw new BuildError(
            `${unit.logicalId}: esbuild entry point ${relative(workingDir, entry)} is not in ${shown}`,
          );
        return found;
      });
      const options = { ...raw, entryPoints };
      await tools.bundler.bundle(options).catch((e: unknown) => {
        throw new BuildError(`${unit.logicalId}: esbuild failed: ${e instanceof Error ? e.message : String(e)}`);
      });
      checkHandlerFile(unit.logicalId, unit.handler ?? "", artifactDir, relative(process.cwd(), artifactDir));
      return;
    }
    case "layer-npm": {
      const target = join(artifactDir, "nodejs");
      copySources(source, target, [buildDir]);
      absolutizeLocalDependencies(target, source);
      if (!existsSync(join(target, "package.json")))
        throw new BuildError(`${unit.logicalId}: a Node.js layer needs a package.json in ${shown}`);
      if (hasDependencies(target)) await tools.installer.install(target, { lockfile: hasLockfile(target) });
      return;
    }
    case "copy":
      return;
  }
}

function readManifest(buildDir: string): Manifest {
  try {
    const m = JSON.parse(readFileSync(join(buildDir, MANIFEST), "utf8")) as Manifest;
    return m.version === 1 && isObject(m.units) ? m : { version: 1, units: {} };
  } catch {
    return { version: 1, units: {} };
  }
}

/** The template with each unit's code location pointing at its artifact (relative to the build directory). */
function rewriteLocations(
  body: TemplateObject,
  units: readonly BuildUnit[],
  locations: ReadonlyMap<string, string>,
): TemplateObject {
  const out = structuredClone(body);
  const resources = out.Resources as Record<string, TemplateObject>;
  for (const unit of units) {
    const resource = resources[unit.logicalId];
    const location = locations.get(unit.logicalId);
    if (!resource || location === undefined) continue;
    const props = isObject(resource.Properties) ? resource.Properties : (resource.Properties = {});
    const key =
      unit.property === "ContentUri" && resource.Type === "AWS::Lambda::LayerVersion" ? "Content" : unit.property;
    props[key] = location;
  }
  // A local CodeUri in Globals was merged into each function's unit above; left in place, it would
  // name the source folder again, relative to the build directory, where it does not exist.
  const globalFunction = isObject(out.Globals) && isObject(out.Globals.Function) ? out.Globals.Function : undefined;
  const globalCode = globalFunction?.CodeUri;
  if (globalFunction && typeof globalCode === "string" && !globalCode.startsWith("s3://"))
    delete globalFunction.CodeUri;
  return out;
}
