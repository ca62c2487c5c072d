import type { SamContext } from "./context.js";
import { s3Location } from "./code.js";
import { invalidResource } from "./errors.js";
import { samLogicalId } from "./hash.js";
import { compact, resolveParameterRefs } from "./intrinsics.js";
import { textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * AWS::Serverless::LayerVersion → AWS::Lambda::LayerVersion named `<Layer><hash>` (the hash of the
 * SAM resource, so any change publishes a new layer version), LayerName defaulting to the
 * original logical id, kept on delete unless RetentionPolicy says Delete. Returns the new id so
 * references can be renamed.
 */
export function translateLayer(layerId: string, resource: TemplateObject, ctx: SamContext): string {
  const props = { ...(resource.Properties as TemplateObject) };
  for (const key of ["LayerName", "LicenseInfo", "Description", "RetentionPolicy"]) {
    if (props[key] !== undefined)
      props[key] = resolveParameterRefs(props[key], ctx.options.parameters) as TemplateValue;
  }
  if (props.ContentUri === undefined) throw invalidResource(layerId, "Missing required property 'ContentUri'.");
  const retention = retentionPolicy(layerId, props.RetentionPolicy);
  const hashed: TemplateObject = { ...resource, Properties: props };
  for (const key of ["DeletionPolicy", "UpdateReplacePolicy", "Metadata"]) delete hashed[key];
  const newId = samLogicalId(layerId, { [layerId]: hashed });
  ctx.resources[newId] = compact({
    Type: "AWS::Lambda::LayerVersion",
    Condition: resource.Condition,
    DependsOn: resource.DependsOn,
    UpdateReplacePolicy: resource.UpdateReplacePolicy,
    DeletionPolicy: retention ?? resource.DeletionPolicy ?? "Retain",
    Properties: compact({
      LayerName: props.LayerName ?? layerId,
      Description: props.Description,
      Content: s3Location(props.ContentUri, ctx, { logicalId: newId, property: "ContentUri" }),
      CompatibleArchitectures: props.CompatibleArchitectures,
      CompatibleRuntimes: props.CompatibleRuntimes,
      LicenseInfo: props.LicenseInfo,
    }),
  });
  return newId;
}

function retentionPolicy(layerId: string, value: TemplateValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = textOf(value).toLowerCase();
  if (text === "retain") return "Retain";
  if (text === "delete") return "Delete";
  throw invalidResource(layerId, "'RetentionPolicy' must be one of the following options: ['Retain', 'Delete'].");
}
