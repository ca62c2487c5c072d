import type { ParameterValue } from "../template/parameters.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/** An S3 location of a deployment artifact, as Lambda's `Code` takes it. */
export interface ArtifactLocation {
  readonly S3Bucket: string;
  readonly S3Key: string;
  readonly S3ObjectVersion?: string | undefined;
}

/**
 * Where a local `CodeUri`/`ContentUri`/`DefinitionUri` (a directory, a file or a zip) is stored
 * once uploaded. `sam deploy` uploads it first and rewrites the template; haneul's deploy supplies
 * this so the transform sees the uploaded location (whose key is the content's hash, so a code
 * change makes a new version). Undefined for a path it cannot find.
 */
export type ArtifactLocator = (
  localPath: string,
  use: { logicalId: string; property: string },
) => ArtifactLocation | undefined;

/** What the IAM expansion returns for a function's `Policies`. */
export interface ExpandedPolicies {
  /** ARNs (or intrinsics giving them) of managed policies. */
  readonly managedPolicyArns: readonly TemplateValue[];
  /** Inline policies, `{PolicyName, PolicyDocument}` (or Fn::If of them). */
  readonly policies: readonly TemplateValue[];
  /** Anything the expansion could not carry out. */
  readonly warnings?: readonly string[] | undefined;
}

/**
 * The seam to IAM: expands SAM `Policies` (managed policy names and ARNs, policy documents, policy
 * templates such as `DynamoDBCrudPolicy`) into IAM statements. IAM-lite provides it.
 */
export type PolicyExpander = (input: {
  readonly roleLogicalId: string;
  readonly policies: TemplateValue;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly partition: string;
}) => ExpandedPolicies;

/** Options of the transform. */
export interface SamTransformOptions {
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  /** `aws` unless the region says otherwise; SAM writes it literally in some ARNs. */
  readonly partition?: string | undefined;
  readonly region?: string | undefined;
  readonly artifacts?: ArtifactLocator | undefined;
  readonly policies?: PolicyExpander | undefined;
}

/** The state of one transform: the output resources, the template's conditions and its warnings. */
export interface SamContext {
  readonly options: SamTransformOptions;
  readonly partition: string;
  /** Every resource of the template being built (SAM resources replaced as they are translated). */
  readonly resources: Record<string, TemplateObject>;
  readonly conditions: Record<string, TemplateValue>;
  readonly warnings: string[];
}
