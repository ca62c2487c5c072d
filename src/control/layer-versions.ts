/**
 * Lambda layers: PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions and
 * DeleteLayerVersion, with AWS's validation and shapes. Versions live in the LayerStore, their
 * zips in the code store (content-addressed, as function code); nothing is cached in memory, so
 * every node of a cluster answers from the shared store.
 */
import type { CodeStore } from "../ports/code-store.js";
import type { LayerStore, LayerVersionRecord } from "../ports/layer-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { type ArnScope, lambdaDate } from "./arn.js";
import { type ArtifactReader, takeZip } from "./code-input.js";
import { paginate } from "./paging.js";
import type { CodeInput, Json, PageInput } from "./types.js";
import { Violations } from "./violations.js";

/** What the layer operations work with. */
export interface LayerContext extends ArnScope {
  readonly layers: LayerStore;
  readonly codeStore: CodeStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly artifacts?: ArtifactReader | undefined;
}

export interface PublishLayerVersionInput {
  Description?: string | undefined;
  Content?: CodeInput | undefined;
  CompatibleRuntimes?: string[] | undefined;
  LicenseInfo?: string | undefined;
  CompatibleArchitectures?: string[] | undefined;
}

export interface ListLayersInput extends PageInput {
  CompatibleRuntime?: string | undefined;
  CompatibleArchitecture?: string | undefined;
}

const NAME_PATTERN = "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
const NAME_RE = /^(?:arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)|([a-zA-Z0-9-_]+))$/;
const VERSION_ARN_RE = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;
const VERSION_ARN_PATTERN = "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+";
/** Runtimes a layer may declare (Lambda's Runtime enum, the current and the deprecated ones). */
export const LAYER_RUNTIMES = [
  ...["nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x"],
  ...["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "java8", "java8.al2", "java11", "java17", "java21"],
  ...["python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12"],
  ...["python3.13", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8"],
  ...["nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "provided", "provided.al2"],
  ...["provided.al2023"],
];
const ARCHITECTURES = ["x86_64", "arm64"];

/** The layer ARN of `name`. */
export function layerArn(scope: ArnScope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:layer:${name}`;
}

/** The layer's name from a LayerName path label (a name or a layer ARN of this region and account). */
export function layerNameOf(scope: ArnScope, raw: string): string {
  const v = new Violations();
  v.maxLength(raw, "layerName", 140);
  if (raw === "") v.add(raw, "layerName", "Member must have length greater than or equal to 1");
  v.pattern(raw, "layerName", NAME_RE, NAME_PATTERN);
  v.throwIfAny();
  const m = NAME_RE.exec(raw);
  if (m?.[4] !== undefined) return m[4];
  if (m?.[1] !== scope.region || m[2] !== scope.accountId) throw notFound();
  return m[3] as string;
}

/** Parses a layer version ARN; a malformed one is AWS's ValidationException for `field`. */
export function parseLayerVersionArn(
  arn: string,
  field: string,
): { region: string; account: string; name: string; version: number } {
  const m = VERSION_ARN_RE.exec(arn);
  if (!m) {
    const v = new Violations();
    v.pattern(arn, field, VERSION_ARN_RE, VERSION_ARN_PATTERN);
    v.throwIfAny();
  }
  const [, region = "", account = "", name = "", version = "0"] = m as RegExpExecArray;
  return { region, account, name, version: Number(version) };
}

/** `The resource you requested does not exist.` (404), AWS's answer for a missing layer version. */
export function notFound(): PlatformError {
  return new PlatformError("ERR_RESOURCE_NOT_FOUND", "The resource you requested does not exist.");
}

function checkPublish(input: PublishLayerVersionInput): void {
  const v = new Violations();
  v.required(input.Content, "content");
  v.maxLength(input.Description, "description", 256);
  v.maxLength(input.LicenseInfo, "licenseInfo", 512);
  const runtimes = input.CompatibleRuntimes ?? [];
  if (runtimes.length > 15) v.add(runtimes, "compatibleRuntimes", "Member must have length less than or equal to 15");
  const archs = input.CompatibleArchitectures ?? [];
  if (archs.length > 2) v.add(archs, "compatibleArchitectures", "Member must have length less than or equal to 2");
  runtimes.forEach((r, i) => v.oneOf(r, `compatibleRuntimes.${i + 1}.member`, LAYER_RUNTIMES));
  archs.forEach((a, i) => v.oneOf(a, `compatibleArchitectures.${i + 1}.member`, ARCHITECTURES));
  v.throwIfAny();
}

/** PublishLayerVersion: stores the zip (ZipFile or haneul's S3), then the next version of the layer. */
export async function publishLayerVersion(
  ctx: LayerContext,
  rawName: string,
  input: PublishLayerVersionInput,
): Promise<Json> {
  const name = layerNameOf(ctx, rawName);
  checkPublish(input);
  const zip = await takeZip(input.Content, false, ctx.artifacts);
  const pkg = await ctx.codeStore.put(zip);
  const record = await ctx.layers.publish({
    layerName: name,
    description: input.Description ?? "",
    licenseInfo: input.LicenseInfo,
    compatibleRuntimes: [...new Set(input.CompatibleRuntimes ?? [])],
    compatibleArchitectures: [...new Set(input.CompatibleArchitectures ?? [])],
    codeSha256: pkg.codeSha256,
    codeSize: pkg.size,
    unzippedSize: pkg.unzippedSize,
    createdAt: ctx.clock.now(),
    revisionId: ctx.ids.requestId(),
  });
  return layerVersionView(ctx, record);
}

/** A stored version, or AWS's not-found error. */
export async function requireLayerVersion(
  ctx: LayerContext,
  name: string,
  version: number,
): Promise<LayerVersionRecord> {
  const record = Number.isSafeInteger(version) && version >= 1 ? await ctx.layers.get(name, version) : undefined;
  if (!record) throw notFound();
  return record;
}

/** GetLayerVersion. */
export async function getLayerVersion(ctx: LayerContext, rawName: string, version: number): Promise<Json> {
  return layerVersionView(ctx, await requireLayerVersion(ctx, layerNameOf(ctx, rawName), version));
}

/** GetLayerVersionByArn (`?find=LayerVersion&Arn=`). */
export async function getLayerVersionByArn(ctx: LayerContext, arn: string | undefined): Promise<Json> {
  if (arn === undefined) {
    const v = new Violations();
    v.required(arn, "arn");
    v.throwIfAny();
  }
  const ref = parseLayerVersionArn(arn as string, "arn");
  if (ref.region !== ctx.region || ref.account !== ctx.accountId) throw notFound();
  return layerVersionView(ctx, await requireLayerVersion(ctx, ref.name, ref.version));
}

/** DeleteLayerVersion: answers the same whether or not the version existed, as AWS does. */
export async function deleteLayerVersion(ctx: LayerContext, rawName: string, version: number): Promise<void> {
  await ctx.layers.delete(layerNameOf(ctx, rawName), version);
}

function checkFilters(input: ListLayersInput): void {
  const v = new Violations();
  v.oneOf(input.CompatibleRuntime, "compatibleRuntime", LAYER_RUNTIMES);
  v.oneOf(input.CompatibleArchitecture, "compatibleArchitecture", ARCHITECTURES);
  v.throwIfAny();
}

function matches(r: LayerVersionRecord, input: ListLayersInput): boolean {
  if (input.CompatibleRuntime !== undefined && !r.compatibleRuntimes.includes(input.CompatibleRuntime)) return false;
  const arch = input.CompatibleArchitecture;
  return arch === undefined || r.compatibleArchitectures.includes(arch);
}

/** ListLayers: each layer with its newest version matching the filters. */
export async function listLayers(ctx: LayerContext, input: ListLayersInput): Promise<Json> {
  checkFilters(input);
  const latest = new Map<string, LayerVersionRecord>();
  for (const r of await ctx.layers.listAll())
    if (!latest.has(r.layerName) && matches(r, input)) latest.set(r.layerName, r);
  const page = paginate([...latest.values()], (r) => r.layerName, input, 50);
  return {
    Layers: page.items.map((r) => ({
      LayerName: r.layerName,
      LayerArn: layerArn(ctx, r.layerName),
      LatestMatchingVersion: listItem(ctx, r),
    })),
    ...(page.nextMarker !== undefined && { NextMarker: page.nextMarker }),
  };
}

/** ListLayerVersions: a layer's versions matching the filters, newest first. */
export async function listLayerVersions(ctx: LayerContext, rawName: string, input: ListLayersInput): Promise<Json> {
  const name = layerNameOf(ctx, rawName);
  checkFilters(input);
  const all = (await ctx.layers.listVersions(name)).filter((r) => matches(r, input));
  // Newest first: the key sorts higher versions earlier.
  const page = paginate(all, (r) => String(1e12 - r.version).padStart(13, "0"), input, 50);
  return {
    LayerVersions: page.items.map((r) => listItem(ctx, r)),
    ...(page.nextMarker !== undefined && { NextMarker: page.nextMarker }),
  };
}

/** The version's ARN. */
export function layerVersionArn(scope: ArnScope, r: { layerName: string; version: number }): string {
  return `${layerArn(scope, r.layerName)}:${r.version}`;
}

function optional(r: LayerVersionRecord): Json {
  return {
    ...(r.compatibleRuntimes.length > 0 && { CompatibleRuntimes: [...r.compatibleRuntimes] }),
    ...(r.licenseInfo !== undefined && { LicenseInfo: r.licenseInfo }),
    ...(r.compatibleArchitectures.length > 0 && { CompatibleArchitectures: [...r.compatibleArchitectures] }),
  };
}

function listItem(ctx: LayerContext, r: LayerVersionRecord): Json {
  return {
    LayerVersionArn: layerVersionArn(ctx, r),
    Version: r.version,
    Description: r.description,
    CreatedDate: lambdaDate(r.createdAt),
    ...optional(r),
  };
}

/** PublishLayerVersion's and GetLayerVersion's answer. */
export function layerVersionView(ctx: LayerContext, r: LayerVersionRecord): Json {
  const hex = Buffer.from(r.codeSha256, "base64").toString("hex");
  return {
    Content: { Location: ctx.codeStore.location(hex), CodeSha256: r.codeSha256, CodeSize: r.codeSize },
    LayerArn: layerArn(ctx, r.layerName),
    LayerVersionArn: layerVersionArn(ctx, r),
    Description: r.description,
    CreatedDate: lambdaDate(r.createdAt),
    Version: r.version,
    ...optional(r),
  };
}
