import { isObject, templateError } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * Template parameters: their declarations, the values a deploy gives them (defaults, overrides,
 * SSM lookups) and CloudFormation's checks, with its messages.
 */

/** The value a parameter resolves to: a string, or a list of strings for list types. */
export type ParameterValue = string | string[];

/** A declared parameter. */
export interface ParameterDeclaration {
  readonly name: string;
  readonly type: string;
  readonly default?: string | undefined;
  readonly allowedValues?: readonly string[] | undefined;
  readonly allowedPattern?: string | undefined;
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
  readonly minValue?: number | undefined;
  readonly maxValue?: number | undefined;
  readonly noEcho: boolean;
  readonly constraintDescription?: string | undefined;
  readonly description?: string | undefined;
}

/** Reads an SSM parameter by name for `AWS::SSM::Parameter::Value<…>` types; undefined when it does not exist. */
export type SsmLookup = (name: string) => string | undefined;

const PLAIN_TYPES = new Set(["String", "Number", "List<Number>", "List<String>", "CommaDelimitedList"]);
const SSM_VALUE = /^AWS::SSM::Parameter::Value<(.+)>$/;
/** AWS-specific types (AWS::EC2::VPC::Id, List<AWS::EC2::Subnet::Id>…) behave as strings or lists here. */
const AWS_TYPE = /^(List<)?AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+>?$/;

/** Reads the `Parameters` section; a malformed declaration is CloudFormation's format error. */
export function readParameterDeclarations(section: TemplateValue | undefined): ParameterDeclaration[] {
  if (section === undefined || section === null) return [];
  if (!isObject(section))
    throw templateError("Template format error: Parameters section must be a map", { path: ["Parameters"] });
  return Object.entries(section).map(([name, raw]) => readDeclaration(name, raw));
}

function readDeclaration(name: string, raw: TemplateValue): ParameterDeclaration {
  const path = ["Parameters", name];
  if (!/^[A-Za-z0-9]+$/.test(name)) {
    throw templateError(`Template format error: Parameter name ${name} is non alphanumeric.`, { path });
  }
  if (!isObject(raw) || typeof raw.Type !== "string") {
    throw templateError("Template format error: Every Parameters object must contain a Type member.", { path });
  }
  const type = raw.Type;
  if (!PLAIN_TYPES.has(type) && !SSM_VALUE.test(type) && !AWS_TYPE.test(type)) {
    throw templateError(`Template format error: Unrecognized parameter type: ${type}`, { path: [...path, "Type"] });
  }
  const num = (key: string): number | undefined => (raw[key] === undefined ? undefined : Number(raw[key]));
  return {
    name,
    type,
    default: raw.Default === undefined ? undefined : scalarText(raw.Default),
    allowedValues: Array.isArray(raw.AllowedValues) ? raw.AllowedValues.map(scalarText) : undefined,
    allowedPattern: typeof raw.AllowedPattern === "string" ? raw.AllowedPattern : undefined,
    minLength: num("MinLength"),
    maxLength: num("MaxLength"),
    minValue: num("MinValue"),
    maxValue: num("MaxValue"),
    noEcho: raw.NoEcho === true || raw.NoEcho === "true",
    constraintDescription: typeof raw.ConstraintDescription === "string" ? raw.ConstraintDescription : undefined,
    description: typeof raw.Description === "string" ? raw.Description : undefined,
  };
}

function scalarText(value: TemplateValue): string {
  if (Array.isArray(value)) return value.map(scalarText).join(",");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What a deploy gives the parameters. */
export interface ParameterInput {
  /** Values given by the caller (command line, samconfig.toml, the API's Parameters). */
  readonly overrides?: Readonly<Record<string, string>> | undefined;
  /** Values kept from the previous deploy (`UsePreviousValue`). */
  readonly previous?: Readonly<Record<string, string>> | undefined;
  /** Reads `AWS::SSM::Parameter::Value<…>` parameters; without it such a parameter is an error. */
  readonly ssm?: SsmLookup | undefined;
}

/**
 * The value of every declared parameter: an override, else the previous value, else the default.
 * Unknown overrides, missing values and failed constraints are CloudFormation's ValidationErrors.
 */
export function resolveParameters(
  declarations: readonly ParameterDeclaration[],
  input: ParameterInput = {},
): Map<string, ParameterValue> {
  const byName = new Map(declarations.map((d) => [d.name, d]));
  const overrides = input.overrides ?? {};
  const unknown = Object.keys(overrides).filter((k) => !byName.has(k));
  if (unknown.length) throw templateError(`Parameters: [${unknown.join(", ")}] do not exist in the template`);
  const missing = declarations.filter(
    (d) => (overrides[d.name] ?? input.previous?.[d.name] ?? d.default) === undefined,
  );
  if (missing.length) throw templateError(`Parameters: [${missing.map((d) => d.name).join(", ")}] must have values`);
  const values = new Map<string, ParameterValue>();
  for (const d of declarations) {
    const text = (overrides[d.name] ?? input.previous?.[d.name] ?? d.default) as string;
    values.set(d.name, parameterValue(d, text, input.ssm));
  }
  return values;
}

function parameterValue(d: ParameterDeclaration, text: string, ssm: SsmLookup | undefined): ParameterValue {
  const ssmType = SSM_VALUE.exec(d.type);
  if (ssmType) {
    checkConstraints(d, text);
    const stored = ssm?.(text);
    if (stored === undefined)
      throw templateError(`Unable to fetch parameters [${text}] from parameter store for this account.`);
    return ssmType[1]?.startsWith("List<") || ssmType[1] === "CommaDelimitedList" ? splitList(stored) : stored;
  }
  if (d.type === "CommaDelimitedList" || d.type.startsWith("List<")) {
    const items = splitList(text);
    for (const item of items) checkConstraints(d, item);
    return items;
  }
  checkConstraints(d, text);
  return text;
}

function splitList(text: string): string[] {
  return text === "" ? [] : text.split(",").map((s) => s.trim());
}

function checkConstraints(d: ParameterDeclaration, value: string): void {
  const fail = (wording: string): never => {
    const message = d.constraintDescription
      ? `Parameter '${d.name}' failed to satisfy constraint: ${d.constraintDescription}`
      : `Parameter '${d.name}' ${wording}`;
    throw templateError(message, { path: ["Parameters", d.name] });
  };
  if (d.type === "Number" || d.type === "List<Number>") {
    if (value.trim() === "" || !Number.isFinite(Number(value))) fail("must be a number");
    const n = Number(value);
    if (d.minValue !== undefined && n < d.minValue) fail(`must be a number not less than ${d.minValue}`);
    if (d.maxValue !== undefined && n > d.maxValue) fail(`must be a number not greater than ${d.maxValue}`);
  }
  if (d.allowedValues && !d.allowedValues.includes(value)) fail("must be one of AllowedValues");
  if (d.allowedPattern !== undefined && !new RegExp(`^(?:${d.allowedPattern})$`, "u").test(value)) {
    fail(`must match pattern ${d.allowedPattern}`);
  }
  if (d.minLength !== undefined && value.length < d.minLength) fail(`must contain at least ${d.minLength} characters`);
  if (d.maxLength !== undefined && value.length > d.maxLength) fail(`must contain at most ${d.maxLength} characters`);
}

/** Parameter values as DescribeStacks shows them: NoEcho ones masked. */
export function displayedParameters(
  declarations: readonly ParameterDeclaration[],
  values: ReadonlyMap<string, ParameterValue>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of declarations) {
    const v = values.get(d.name);
    out[d.name] = d.noEcho ? "****" : Array.isArray(v) ? v.join(",") : (v ?? "");
  }
  return out;
}

/** A parameters section echoed back (ValidateTemplate's shape) without its values. */
export function declarationsAsObject(declarations: readonly ParameterDeclaration[]): TemplateObject {
  return Object.fromEntries(declarations.map((d) => [d.name, { Type: d.type }]));
}
