import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, str } from "./handler.js";
import type { Properties, ResourceHandler } from "./handler.js";

/**
 * AWS::Lambda::LayerVersion through the control plane's layer operations: every change publishes
 * a new version (the type has no update), Ref is the layer version ARN, and delete removes the
 * version unless DeletionPolicy (SAM's RetentionPolicy) retains it.
 */

const SUPPORTED = [
  "LayerName",
  "Description",
  "Content",
  "CompatibleRuntimes",
  "CompatibleArchitectures",
  "LicenseInfo",
];

function content(props: Properties): Record<string, string | undefined> {
  const c = (props.Content ?? {}) as Record<string, unknown>;
  return { S3Bucket: str(c, "S3Bucket"), S3Key: str(c, "S3Key"), S3ObjectVersion: str(c, "S3ObjectVersion") };
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

const layerVersion: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, SUPPORTED);
    const layers = needService(scope.services.lambda.layers, scope);
    const published = await layers.publish(str(props, "LayerName") ?? generatedName(scope, 140), {
      Description: str(props, "Description"),
      LicenseInfo: str(props, "LicenseInfo"),
      CompatibleRuntimes: strings(props.CompatibleRuntimes),
      CompatibleArchitectures: strings(props.CompatibleArchitectures),
      Content: content(props),
    });
    const arn = String(published.LayerVersionArn);
    return { physicalId: arn, attributes: { LayerVersionArn: arn } };
  },
  async delete(record, scope) {
    const layers = needService(scope.services.lambda.layers, scope);
    const m = /:layer:([a-zA-Z0-9-_]+):(\d+)$/.exec(record.physicalId ?? "");
    if (!m) return;
    try {
      await layers.delete(m[1] as string, Number(m[2]));
    } catch (e) {
      if (!isPlatformError(e)) throw e;
    }
  },
};

/** The layer handlers by type. */
export const LAYER_HANDLERS: Readonly<Record<string, ResourceHandler>> = { "AWS::Lambda::LayerVersion": layerVersion };
