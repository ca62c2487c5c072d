/** One handler per CloudFormation action: form in, XML result out, over the stack engine. */
import { readParameterDeclarations } from "../../domain/template/parameters.js";
import { located } from "../../domain/template/pipeline.js";
import { readTemplate } from "../../domain/template/read.js";
import { checkStructure, transformsOf } from "../../domain/template/structure.js";
import { isObject } from "../../domain/template/values.js";
import { PlatformError } from "../../shared/errors.js";
import type { ChangeSetInput, StackEngine } from "../../stacks/index.js";
import type { XmlValue } from "../query-wire.js";
import * as views from "./views.js";
import { required, stringList, structList } from "./wire.js";

/** A CloudFormation action. */
export type CfnHandler = (engine: StackEngine, form: URLSearchParams) => Promise<XmlValue | undefined>;

const TEMPLATE_MAX = 51_200;

function templateBody(form: URLSearchParams): string | undefined {
  const body = form.get("TemplateBody") ?? undefined;
  if (form.get("TemplateURL")) {
    throw new PlatformError(
      "ERR_CFN_VALIDATION",
      "haneul does not read templates from TemplateURL yet; send TemplateBody",
    );
  }
  if (body !== undefined && Buffer.byteLength(body) > TEMPLATE_MAX) {
    throw new PlatformError(
      "ERR_CFN_VALIDATION",
      `1 validation error detected: Value '[...]' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${TEMPLATE_MAX}`,
    );
  }
  return body;
}

function changeSetInput(form: URLSearchParams, name: string, type: "CREATE" | "UPDATE" | undefined): ChangeSetInput {
  return {
    stackName: required(form, "StackName"),
    changeSetName: name,
    changeSetType: type,
    templateBody: templateBody(form),
    usePreviousTemplate: form.get("UsePreviousTemplate") === "true",
    parameters: structList(form, "Parameters").map((p) => ({
      key: p.ParameterKey ?? "",
      value: p.ParameterValue,
      usePreviousValue: p.UsePreviousValue === "true",
    })),
    capabilities: stringList(form, "Capabilities"),
    description: form.get("Description") ?? undefined,
    tags: structList(form, "Tags").map((t) => ({ key: t.Key ?? "", value: t.Value ?? "" })),
  };
}

/** CreateStack / UpdateStack: a change set made and executed at once; its failure is the call's error. */
async function stackNow(engine: StackEngine, form: URLSearchParams, type: "CREATE" | "UPDATE"): Promise<XmlValue> {
  const name = required(form, "StackName");
  if (type === "CREATE") {
    const existing = await engine.store.getStack(name);
    if (existing && existing.status !== "REVIEW_IN_PROGRESS") {
      throw new PlatformError("ERR_CFN_ALREADY_EXISTS", `Stack [${name}] already exists`);
    }
  }
  const cs = await engine.createChangeSet(
    changeSetInput(form, `${type.toLowerCase()}-${Date.now().toString(36)}`, type),
  );
  if (cs.status === "FAILED") {
    await engine.deleteChangeSet(cs.changeSetId);
    throw new PlatformError("ERR_CFN_VALIDATION", "No updates are to be performed.");
  }
  await engine.executeChangeSet(cs.changeSetId);
  return { StackId: cs.stackId };
}

function validateTemplate(form: URLSearchParams): XmlValue {
  const text = templateBody(form) ?? "";
  const source = readTemplate(text, "template");
  try {
    checkStructure(source.body);
    const declarations = readParameterDeclarations(source.body.Parameters);
    const resources = isObject(source.body.Resources) ? Object.values(source.body.Resources) : [];
    const iam = resources.some((r) => isObject(r) && typeof r.Type === "string" && r.Type.startsWith("AWS::IAM::"));
    return {
      Parameters: declarations.map((d) => ({
        ParameterKey: d.name,
        DefaultValue: d.default,
        NoEcho: d.noEcho,
        Description: d.description,
      })),
      Description: typeof source.body.Description === "string" ? source.body.Description : undefined,
      Capabilities: iam ? ["CAPABILITY_IAM"] : undefined,
      CapabilitiesReason: iam ? "The following resource(s) require capabilities: [AWS::IAM::Role]" : undefined,
      DeclaredTransforms: transformsOf(source.body),
    };
  } catch (e) {
    throw located(e, source);
  }
}

async function getTemplateSummary(engine: StackEngine, form: URLSearchParams): Promise<XmlValue> {
  const stackName = form.get("StackName");
  const text = stackName ? (await engine.requireStack(stackName)).templateBody : (templateBody(form) ?? "");
  const source = readTemplate(text, "template");
  try {
    checkStructure(source.body);
    const declarations = readParameterDeclarations(source.body.Parameters);
    const resources = isObject(source.body.Resources) ? Object.values(source.body.Resources) : [];
    const types = [...new Set(resources.map((r) => (isObject(r) && typeof r.Type === "string" ? r.Type : "")))];
    return {
      Parameters: declarations.map((d) => ({
        ParameterKey: d.name,
        DefaultValue: d.default,
        ParameterType: d.type,
        NoEcho: d.noEcho,
        Description: d.description,
        ParameterConstraints: { AllowedValues: d.allowedValues ? [...d.allowedValues] : undefined },
      })),
      Description: typeof source.body.Description === "string" ? source.body.Description : undefined,
      ResourceTypes: types.filter(Boolean).sort(),
      Version:
        typeof source.body.AWSTemplateFormatVersion === "string" ? source.body.AWSTemplateFormatVersion : undefined,
      DeclaredTransforms: transformsOf(source.body),
    };
  } catch (e) {
    throw located(e, source);
  }
}

async function describeStacks(engine: StackEngine, form: URLSearchParams): Promise<XmlValue> {
  const name = form.get("StackName");
  if (name) return { Stacks: [views.stackView(await engine.requireStack(name))] };
  const all = await engine.store.listStacks();
  return {
    Stacks: all
      .filter((s) => s.status !== "DELETE_COMPLETE")
      .reverse()
      .map(views.stackView),
  };
}

async function describeChangeSet(engine: StackEngine, form: URLSearchParams): Promise<XmlValue> {
  const cs = await engine.requireChangeSet(required(form, "ChangeSetName"), form.get("StackName") ?? undefined);
  return views.changeSetView(cs);
}

async function getTemplate(engine: StackEngine, form: URLSearchParams): Promise<XmlValue> {
  const stage = form.get("TemplateStage") ?? "Original";
  const csName = form.get("ChangeSetName");
  if (csName) {
    const cs = await engine.requireChangeSet(csName, form.get("StackName") ?? undefined);
    return { TemplateBody: cs.templateBody, StagesAvailable: ["Original"] };
  }
  const stack = await engine.requireStack(required(form, "StackName"));
  const body = stage === "Processed" ? (stack.processedTemplate ?? stack.templateBody) : stack.templateBody;
  return { TemplateBody: body, StagesAvailable: ["Original", "Processed"] };
}

async function stackResources(engine: StackEngine, form: URLSearchParams, shape: "resource" | "summary") {
  const stack = await engine.requireStack(required(form, "StackName"));
  const list = await engine.store.listResources(stack.stackId);
  return list.map((r) => views.resourceView(stack, r, shape));
}

async function describeStackResource(engine: StackEngine, form: URLSearchParams): Promise<XmlValue> {
  const stack = await engine.requireStack(required(form, "StackName"));
  const id = required(form, "LogicalResourceId");
  const r = (await engine.store.listResources(stack.stackId)).find((x) => x.logicalId === id);
  if (!r) throw new PlatformError("ERR_CFN_VALIDATION", `Resource ${id} does not exist for stack ${stack.stackName}`);
  return { StackResourceDetail: views.resourceView(stack, r, "detail") };
}

async function listStacks(engine: StackEngine, form: URLSearchParams): Promise<XmlValue> {
  const filter = stringList(form, "StackStatusFilter");
  const all = (await engine.store.listStacks()).reverse();
  return { StackSummaries: all.filter((s) => !filter.length || filter.includes(s.status)).map(views.stackSummaryView) };
}

/** The actions served, by name. */
export const HANDLERS: Readonly<Record<string, CfnHandler>> = {
  CreateStack: (e, f) => stackNow(e, f, "CREATE"),
  UpdateStack: (e, f) => stackNow(e, f, "UPDATE"),
  async DeleteStack(e, f) {
    await e.deleteStack(required(f, "StackName"));
    return undefined;
  },
  DescribeStacks: describeStacks,
  async DescribeStackEvents(e, f) {
    const stack = await e.requireStack(required(f, "StackName"));
    return { StackEvents: (await e.store.listEvents(stack.stackId)).map(views.eventView) };
  },
  DescribeStackResource: describeStackResource,
  DescribeStackResources: async (e, f) => ({ StackResources: await stackResources(e, f, "resource") }),
  ListStackResources: async (e, f) => ({ StackResourceSummaries: await stackResources(e, f, "summary") }),
  ListStacks: listStacks,
  GetTemplate: getTemplate,
  ValidateTemplate: (_e, f) => Promise.resolve(validateTemplate(f)),
  GetTemplateSummary: getTemplateSummary,
  async CreateChangeSet(e, f) {
    const type = f.get("ChangeSetType") ?? "UPDATE";
    if (type !== "CREATE" && type !== "UPDATE") {
      throw new PlatformError(
        "ERR_CFN_VALIDATION",
        `haneul does not support ChangeSetType ${type}; use CREATE or UPDATE`,
      );
    }
    const cs = await e.createChangeSet(changeSetInput(f, required(f, "ChangeSetName"), type));
    return { Id: cs.changeSetId, StackId: cs.stackId };
  },
  DescribeChangeSet: describeChangeSet,
  async ExecuteChangeSet(e, f) {
    await e.executeChangeSet(required(f, "ChangeSetName"), f.get("StackName") ?? undefined);
    return {};
  },
  async DeleteChangeSet(e, f) {
    await e.deleteChangeSet(required(f, "ChangeSetName"), f.get("StackName") ?? undefined);
    return {};
  },
  async ListChangeSets(e, f) {
    const stack = await e.requireStack(required(f, "StackName"));
    return { Summaries: (await e.store.listChangeSets(stack.stackId)).map(views.changeSetSummaryView) };
  },
  async ListExports(e) {
    const all = await e.store.listExports();
    return { Exports: all.map((x) => ({ ExportingStackId: x.stackId, Name: x.name, Value: x.value })) };
  },
};
