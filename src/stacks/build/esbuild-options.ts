import { resolve } from "node:path";
import { isObject, textOf } from "../../domain/template/values.js";
import type { TemplateObject, TemplateValue } from "../../domain/template/values.js";
import type { BundleOptions } from "../../ports/build-tools.js";
import { BuildError } from "./build-error.js";

/**
 * SAM's `Metadata.BuildProperties` for `BuildMethod: esbuild` as esbuild options: Minify, Target,
 * Sourcemap, EntryPoints, External, Format, MainFields, Loader, Banner, Footer, OutExtension, Define.
 */
const KNOWN = [
  "Minify",
  "Target",
  "Sourcemap",
  "EntryPoints",
  "External",
  "Format",
  "MainFields",
  "Loader",
  "Banner",
  "Footer",
  "OutExtension",
  "Define",
  "UseNpmCi",
];

/** Reads BuildProperties; an unknown key or a malformed value names the function. */
export function bundleOptions(
  logicalId: string,
  props: TemplateObject,
  dirs: { sourceDir: string; workingDir: string; outdir: string; handler: string },
): BundleOptions {
  for (const key of Object.keys(props)) {
    if (!KNOWN.includes(key))
      throw new BuildError(`${logicalId}: unknown esbuild BuildProperty ${key} (known: ${KNOWN.join(", ")})`);
  }
  const entries = list(props.EntryPoints);
  const entryPoints = (entries.length ? entries : [defaultEntry(dirs.handler)]).map((e) => resolve(dirs.workingDir, e));
  const format = textOf(props.Format ?? "cjs");
  if (format !== "cjs" && format !== "esm")
    throw new BuildError(`${logicalId}: esbuild Format must be cjs or esm, not ${format}`);
  return {
    entryPoints,
    outdir: dirs.outdir,
    workingDir: dirs.workingDir,
    minify: bool(props.Minify),
    sourcemap: bool(props.Sourcemap),
    target: textOf(props.Target ?? "es2020"),
    format,
    platform: "node",
    external: list(props.External),
    mainFields: props.MainFields === undefined ? undefined : list(props.MainFields),
    loader: props.Loader === undefined ? {} : pairs(logicalId, "Loader", props.Loader),
    banner: props.Banner === undefined ? undefined : pairs(logicalId, "Banner", props.Banner),
    footer: props.Footer === undefined ? undefined : pairs(logicalId, "Footer", props.Footer),
    outExtension: props.OutExtension === undefined ? undefined : pairs(logicalId, "OutExtension", props.OutExtension),
    define: props.Define === undefined ? undefined : pairs(logicalId, "Define", props.Define),
  };
}

/** Without EntryPoints SAM bundles the handler's module: `app.handler` → `app.ts` (or .js). */
function defaultEntry(handler: string): string {
  return handler.slice(0, handler.lastIndexOf(".")) || handler;
}

function bool(v: TemplateValue | undefined): boolean {
  return v === true || v === "true" || v === "True";
}

/** A list, or a comma-separated string (MainFields is written both ways). */
function list(v: TemplateValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(textOf);
  return textOf(v)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `key=value` items (a list or a comma-separated string), or a map. */
function pairs(logicalId: string, name: string, v: TemplateValue): Record<string, string> {
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, textOf(x)]));
  const out: Record<string, string> = {};
  for (const item of Array.isArray(v) ? v.map(textOf) : [textOf(v)]) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new BuildError(`${logicalId}: esbuild ${name} items are key=value, not ${item}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
