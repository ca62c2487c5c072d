import { isObject, templateError, textOf } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/** The top-level sections CloudFormation accepts (Globals is SAM's, removed by its transform). */
const SECTIONS = new Set([
  "AWSTemplateFormatVersion",
  "Description",
  "Metadata",
  "Parameters",
  "Rules",
  "Mappings",
  "Conditions",
  "Transform",
  "Resources",
  "Outputs",
  "Globals",
  "Hooks",
]);

/** Attributes a resource may carry besides Type and Properties. */
const RESOURCE_ATTRIBUTES = new Set([
  "Type",
  "Properties",
  "DependsOn",
  "Condition",
  "Metadata",
  "DeletionPolicy",
  "UpdateReplacePolicy",
  "UpdatePolicy",
  "CreationPolicy",
  "Version",
  "IgnoreGlobals",
  "Connectors",
]);

/** The transforms a template declares (`Transform` as a string or a list). */
export function transformsOf(body: TemplateObject): string[] {
  const t = body.Transform;
  if (t === undefined) return [];
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.map((x) => (isObject(x) ? textOf(x.Name) : textOf(x)));
  if (isObject(t)) return [textOf(t.Name)];
  throw templateError("Template format error: Transform must be a string or a list of strings", {
    path: ["Transform"],
  });
}

/** Checks the shape of a template (its sections and resources) with CloudFormation's messages. */
export function checkStructure(body: TemplateObject): void {
  const unknown = Object.keys(body).filter((k) => !SECTIONS.has(k));
  if (unknown.length)
    throw templateError(`Template format error: Invalid template property or properties [${unknown.join(", ")}]`);
  if (body.AWSTemplateFormatVersion !== undefined && textOf(body.AWSTemplateFormatVersion) !== "2010-09-09") {
    throw templateError(
      `Template format error: '${textOf(body.AWSTemplateFormatVersion)}' is not a supported version.`,
      { path: ["AWSTemplateFormatVersion"] },
    );
  }
  const resources = body.Resources;
  if (!isObject(resources) || Object.keys(resources).length === 0) {
    throw templateError("Template format error: At least one Resources member must be defined.", {
      path: ["Resources"],
    });
  }
  for (const [id, resource] of Object.entries(resources)) checkResource(id, resource);
  for (const section of ["Conditions", "Mappings", "Outputs", "Parameters"]) {
    const value = body[section];
    if (value !== undefined && value !== null && !isObject(value)) {
      throw templateError(`Template format error: ${section} section must be a map`, { path: [section] });
    }
  }
  checkMappings(body.Mappings);
  checkOutputs(body.Outputs);
}

function checkResource(id: string, resource: TemplateValue): void {
  const path = ["Resources", id];
  if (!/^[A-Za-z0-9]+$/.test(id))
    throw templateError(`Template format error: Resource name ${id} is non alphanumeric.`, { path });
  if (!isObject(resource))
    throw templateError(`Template format error: [/Resources/${id}] resource definition is malformed`, { path });
  if (typeof resource.Type !== "string") {
    throw templateError("Template format error: Every Resources object must contain a Type member.", { path });
  }
  for (const key of Object.keys(resource)) {
    if (!RESOURCE_ATTRIBUTES.has(key)) {
      throw templateError(`Template format error: Unrecognized resource attribute ${key} in resource ${id}`, {
        path: [...path, key],
      });
    }
  }
  if (resource.Properties !== undefined && resource.Properties !== null && !isObject(resource.Properties)) {
    throw templateError(`Template format error: [/Resources/${id}/Properties] properties must be a map`, {
      path: [...path, "Properties"],
    });
  }
  if (resource.Condition !== undefined && typeof resource.Condition !== "string") {
    throw templateError(`Template format error: [/Resources/${id}/Condition] Condition must be a string`, {
      path: [...path, "Condition"],
    });
  }
}

function checkMappings(mappings: TemplateValue | undefined): void {
  if (!isObject(mappings)) return;
  for (const [name, map] of Object.entries(mappings)) {
    if (!isObject(map) || !Object.values(map).every(isObject)) {
      throw templateError(`Template format error: Mappings attribute ${name} must be a map of maps`, {
        path: ["Mappings", name],
      });
    }
  }
}

function checkOutputs(outputs: TemplateValue | undefined): void {
  if (!isObject(outputs)) return;
  for (const [name, output] of Object.entries(outputs)) {
    if (!isObject(output) || output.Value === undefined) {
      throw templateError(
        `Template format error: Every Outputs member must contain a Value object, the Value object of ${name} is missing`,
        { path: ["Outputs", name] },
      );
    }
  }
}
