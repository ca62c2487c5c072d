/**
 * A function's `Layers`: each ARN must name a stored version of this region and account; the
 * configuration pins what each version holds (its zip), so a published function version keeps its
 * layers even after DeleteLayerVersion, as on Lambda. Code and layers unzipped stay within 250 MB.
 */
import type { CodeStore } from "../ports/code-store.js";
import type { LayerStore } from "../ports/layer-store.js";
import type { FunctionConfig, LayerRef } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import type { ArnScope } from "./arn.js";
import { parseLayerVersionArn } from "./layer-versions.js";

/** Resolves layer version ARNs (already checked in form) to what the function pins. */
export async function resolveLayers(
  ctx: ArnScope & { readonly layers?: LayerStore | undefined },
  arns: readonly string[],
): Promise<LayerRef[]> {
  const refs: LayerRef[] = [];
  const seen = new Map<string, string>();
  for (const arn of arns) {
    const ref = parseLayerVersionArn(arn, "layers");
    const layer = `${ref.region}:${ref.account}:${ref.name}`;
    const other = seen.get(layer);
    if (other !== undefined) {
      throw new PlatformError(
        "ERR_INVALID_PARAMETER",
        `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn} are versions of the same layer.`,
      );
    }
    seen.set(layer, arn);
    const local = ref.region === ctx.region && ref.account === ctx.accountId;
    const record = local ? await ctx.layers?.get(ref.name, ref.version) : undefined;
    if (!record) throw new PlatformError("ERR_INVALID_PARAMETER", `Layer version ${arn} does not exist.`);
    refs.push({ arn, codeSha256: record.codeSha256, codeSize: record.codeSize, unzippedSize: record.unzippedSize });
  }
  return refs;
}

/** Refuses a configuration whose code and layers together unzip to more than the limit. */
export function checkTotalSize(config: FunctionConfig, codeStore: CodeStore): void {
  const layers = config.layers ?? [];
  if (layers.length === 0) return;
  const total = layers.reduce((n, l) => n + l.unzippedSize, config.codeUnzippedSize ?? config.codeSize);
  const max = codeStore.limits.maxUnzippedBytes;
  if (total > max) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `Function code combined with layers exceeds the maximum allowed size of ${max} bytes. The actual size is ${total} bytes.`,
    );
  }
}

/** The layers' zips by SHA-256 hex, in order. */
export function layerHexes(layers: readonly LayerRef[]): string[] {
  return layers.map((l) => Buffer.from(l.codeSha256, "base64").toString("hex"));
}

/** Merges the layers of `config` into the tree instances see at /opt (at write and at load, on every node). */
export async function prepareLayers(config: FunctionConfig, codeStore: CodeStore): Promise<void> {
  if (config.layers && config.layers.length > 0) await codeStore.mergeLayers(layerHexes(config.layers));
}
