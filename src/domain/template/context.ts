import type { ParameterValue } from "./parameters.js";
import type { PseudoParameters } from "./pseudo.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/** What only a deploy knows: the physical ids and attributes of resources already created. */
export interface DeployedResources {
  /** What `Ref` returns for a created resource (its physical id, or the type's Ref value). */
  physicalId(logicalId: string): TemplateValue;
  /** The value of `Fn::GetAtt [logicalId, name]` for a created resource. */
  attribute(logicalId: string, name: string): TemplateValue;
}

/** Everything intrinsic functions are resolved against. */
export interface ResolveContext {
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly pseudo: PseudoParameters;
  /** Evaluated conditions; undefined while the Conditions block itself is being evaluated. */
  readonly conditions?: ReadonlyMap<string, boolean> | undefined;
  readonly mappings: TemplateObject;
  /** Logical id → type of every resource that exists (conditions applied). */
  readonly resources: ReadonlyMap<string, string>;
  /** Attribute names a type supports for Fn::GetAtt (undefined: any name is accepted). */
  readonly attributeNames?: ((type: string) => readonly string[] | undefined) | undefined;
  /** Phase 2: values of created resources. Without it, expressions on resources stay unresolved. */
  readonly deployed?: DeployedResources | undefined;
  /** Fn::ImportValue: the value another stack exported, or undefined when no stack exports that name. */
  readonly importValue?: ((exportName: string) => string | undefined) | undefined;
  /** Fn::GetAZs: the availability zones of a region. */
  readonly availabilityZones?: ((region: string) => string[]) | undefined;
  /** Which block is being resolved, for messages ("Resources", "Outputs", "Conditions"). */
  readonly block: "Resources" | "Outputs" | "Conditions";
}

/** Returned where `AWS::NoValue` removes the property or list item that holds it. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");
/** A resolved value, or NO_VALUE. */
export type Resolved = TemplateValue | typeof NO_VALUE;
