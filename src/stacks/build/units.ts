import { mergeValue, readGlobals } from "../../domain/sam/globals.js";
import { isObject, textOf } from "../../domain/template/values.js";
import type { TemplateObject, TemplateValue } from "../../domain/template/values.js";
import { BuildError } from "./build-error.js";

/**
 * What a template asks `haneul build` to build: each function whose code is a local directory
 * (npm dependencies, or an esbuild bundle), each layer with a Node.js BuildMethod; other local
 * paths are only re-pointed from the built template.
 */

/** One thing to build. */
export interface BuildUnit {
  readonly logicalId: string;
  readonly kind: "function-npm" | "function-esbuild" | "layer-npm" | "copy";
  /** The property holding the code location (CodeUri, ContentUri, Code). */
  readonly property: "CodeUri" | "ContentUri" | "Code";
  /** The source directory or file, as the template writes it (relative to the template). */
  readonly source: string;
  readonly runtime?: string | undefined;
  readonly handler?: string | undefined;
  readonly buildProperties?: TemplateObject | undefined;
  /** What else makes the build differ (runtime, handler, build method and properties). */
  readonly settings: TemplateValue;
}

const NODE = /^nodejs\d+\.x$/;

/** The units of a template body (Globals applied as SAM applies them). */
export function buildUnits(body: TemplateObject): BuildUnit[] {
  const globals = readGlobals(body.Globals);
  const resources = isObject(body.Resources) ? body.Resources : {};
  const units: BuildUnit[] = [];
  for (const [id, raw] of Object.entries(resources)) {
    if (!isObject(raw)) continue;
    const global = globals.get(textOf(raw.Type));
    const props = (
      global && raw.IgnoreGlobals !== "*" ? mergeValue(global, raw.Properties ?? {}) : (raw.Properties ?? {})
    ) as TemplateObject;
    const metadata = isObject(raw.Metadata) ? raw.Metadata : {};
    const unit = unitOf(id, textOf(raw.Type), props, metadata);
    if (unit) units.push(unit);
  }
  return units;
}

function unitOf(id: string, type: string, props: TemplateObject, metadata: TemplateObject): BuildUnit | undefined {
  const buildMethod = metadata.BuildMethod === undefined ? undefined : textOf(metadata.BuildMethod);
  if (type === "AWS::Serverless::Function") {
    const source = localPath(props.CodeUri);
    if (source === undefined || props.InlineCode !== undefined) return undefined;
    const runtime = textOf(props.Runtime);
    const settings = { runtime, handler: props.Handler ?? null, metadata, architectures: props.Architectures ?? null };
    const base = {
      logicalId: id,
      property: "CodeUri" as const,
      source,
      runtime,
      handler: textOf(props.Handler),
      settings,
    };
    if (buildMethod === "esbuild") {
      return {
        ...base,
        kind: "function-esbuild",
        buildProperties: isObject(metadata.BuildProperties) ? metadata.BuildProperties : {},
      };
    }
    if (buildMethod !== undefined && buildMethod !== "npm" && !NODE.test(buildMethod)) {
      throw new BuildError(
        `${id}: BuildMethod ${buildMethod} is not supported by haneul build (esbuild, or a Node.js runtime for npm)`,
      );
    }
    return { ...base, kind: NODE.test(runtime) ? "function-npm" : "copy" };
  }
  if (type === "AWS::Serverless::LayerVersion") {
    const source = localPath(props.ContentUri);
    if (source === undefined) return undefined;
    if (buildMethod !== undefined && !NODE.test(buildMethod)) {
      throw new BuildError(
        `${id}: layer BuildMethod ${buildMethod} is not supported by haneul build (a Node.js runtime such as nodejs20.x)`,
      );
    }
    return {
      logicalId: id,
      kind: buildMethod ? "layer-npm" : "copy",
      property: "ContentUri",
      source,
      settings: { metadata },
    };
  }
  if (type === "AWS::Lambda::Function" || type === "AWS::Lambda::LayerVersion") {
    const key = type === "AWS::Lambda::Function" ? "Code" : "Content";
    const source = localPath(props[key]);
    if (source === undefined) return undefined;
    return { logicalId: id, kind: "copy", property: key === "Code" ? "Code" : "ContentUri", source, settings: {} };
  }
  return undefined;
}

/** A local path of a code property (not s3://, not a map, not an intrinsic). */
function localPath(value: TemplateValue | undefined): string | undefined {
  if (typeof value !== "string" || value === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  return value;
}
