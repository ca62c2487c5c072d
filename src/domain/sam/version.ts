import type { SamContext } from "./context.js";
import { invalidResource } from "./errors.js";
import { samHash } from "./hash.js";
import { compact, getAtt, logicalIdOf, ref, resolveParameterRefs } from "./intrinsics.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * AutoPublishAlias: `<Fn>Version<hash>` (AWS::Lambda::Version, kept on delete) and `<Fn>Alias<Name>`
 * pointing at it. The hash is SAM's: of the code location and, unless
 * AutoPublishAliasAllProperties, the environment, memory size and SnapStart; of all the function's
 * properties with it; or the first 10 characters of AutoPublishCodeSha256. A change to any of
 * them names a new version, so CloudFormation publishes one; otherwise nothing is published.
 */

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9\-_]+)$/;

/** The alias name, checked as SAM checks it (a string, or a Ref to a parameter). */
export function aliasName(logicalId: string, value: TemplateValue, ctx: SamContext): string {
  const resolved = resolveParameterRefs(value, ctx.options.parameters);
  if (typeof resolved !== "string")
    throw invalidResource(logicalId, "'AutoPublishAlias' must be a string or a Ref to a template parameter");
  if (resolved === "") throw invalidResource(logicalId, "Alias name is required to create an alias");
  if (!ALIAS_NAME.test(resolved)) {
    throw invalidResource(
      logicalId,
      `AutoPublishAlias name ('${resolved}') must contain only alphanumeric characters, hyphens, or underscores matching (?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.`,
    );
  }
  return resolved;
}

/** The alias's logical id: `<Fn>Alias<name>` with `-` as D and `_` as U. */
export function aliasLogicalId(functionId: string, name: string): string {
  return `${functionId}Alias${name.replace(/-/g, "D").replace(/_/g, "U")}`;
}

/** Builds the version and alias resources into ctx; returns the alias's logical id. */
export function publishAlias(input: {
  functionId: string;
  props: TemplateObject;
  fn: TemplateObject;
  name: string;
  codeSha256?: string | undefined;
  passthrough: TemplateObject;
  ctx: SamContext;
}): { aliasId: string; versionId: string } {
  const { functionId, props, fn, name, ctx } = input;
  const fnProps = fn.Properties as TemplateObject;
  const hash = input.codeSha256 ? input.codeSha256.slice(0, 10) : samHash(versionHashInput(props, fnProps, ctx));
  const versionId = `${functionId}Version${hash}`;
  const deletion = input.passthrough.DeletionPolicy ?? props.VersionDeletionPolicy ?? "Retain";
  ctx.resources[versionId] = compact({
    Type: "AWS::Lambda::Version",
    ...input.passthrough,
    DeletionPolicy: deletion,
    Properties: compact({ FunctionName: ref(functionId), Description: props.VersionDescription }),
  });
  const aliasId = aliasLogicalId(functionId, name);
  ctx.resources[aliasId] = compact({
    Type: "AWS::Lambda::Alias",
    ...input.passthrough,
    Properties: compact({
      Name: name,
      FunctionName: ref(functionId),
      FunctionVersion: getAtt(versionId, "Version"),
      ProvisionedConcurrencyConfig: props.ProvisionedConcurrencyConfig,
    }),
  });
  return { aliasId, versionId };
}

function versionHashInput(props: TemplateObject, fnProps: TemplateObject, ctx: SamContext): TemplateValue {
  if (props.AutoPublishAliasAllProperties === true) {
    const all: TemplateObject = { ...fnProps };
    for (const layer of Array.isArray(fnProps.Layers) ? fnProps.Layers : []) {
      const id = logicalIdOf(layer);
      const layerProps = id ? ctx.resources[id]?.Properties : undefined;
      if (id && isObject(layerProps) && layerProps.PublishLambdaVersion === true) all[id] = layerProps;
    }
    return all;
  }
  const code = resolveParameterRefs(fnProps.Code, ctx.options.parameters);
  const data: TemplateObject = isObject(code) ? { ...code } : {};
  if (isObject(fnProps.Environment)) Object.assign(data, fnProps.Environment);
  if (fnProps.MemorySize) data.MemorySize = fnProps.MemorySize;
  const snap = fnProps.SnapStart;
  if (isObject(snap) && textOf(snap.ApplyOn ?? "None") !== "None") data.SnapStart = snap;
  return data;
}
