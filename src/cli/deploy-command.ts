/**
 * `haneul deploy`: packages the template's local code into the node's S3 (as `aws cloudformation
 * package`), makes a change set through the node's CloudFormation API, shows it, executes it,
 * follows the stack's events, and prints the outputs and every API's local URL.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
} from "@aws-sdk/client-cloudformation";
import type { Capability, Change, Stack, StackResourceSummary } from "@aws-sdk/client-cloudformation";
import { GetFunctionUrlConfigCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StackCommandConfig } from "../config/deploy-config.js";
import {
  parseParameterOverrides,
  readSamConfig,
  samConfigOverrides,
  splitWords,
} from "../domain/template/overrides.js";
import { readTemplate } from "../domain/template/read.js";
import { describeTemplateError } from "../domain/template/values.js";
import { isPlatformError } from "../shared/errors.js";
import { localArtifacts, recordedOnly } from "../stacks/index.js";
import { findStack, waitForStack, type StackClients } from "./stack-clients.js";
import { apiUrls, changeLines, eventLine, outputLines } from "./stack-output.js";

const NO_CHANGES = /didn't contain changes/;
const CAPABILITIES: Capability[] = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"];

type Print = (line: string) => void;

/** The template with its local code uploaded, as JSON text. */
async function packageTemplate(config: StackCommandConfig, s3: S3Client): Promise<string> {
  const file = config.template ?? "";
  const source = readTemplate(readFileSync(file, "utf8"), file);
  const artifacts = localArtifacts(source.body, dirname(file));
  if (artifacts.length) await ensureBucket(s3, config.bucket);
  for (const a of artifacts) {
    const there = await s3.send(new HeadObjectCommand({ Bucket: config.bucket, Key: a.key })).then(
      () => true,
      () => false,
    );
    if (!there) await s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: a.key, Body: a.zip }));
    a.place(config.bucket);
  }
  return JSON.stringify(source.body);
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
  if (!exists) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

function parameters(config: StackCommandConfig): { ParameterKey: string; ParameterValue: string }[] {
  const fromFile = existsSync(config.configFile ?? "")
    ? samConfigOverrides(readSamConfig(readFileSync(config.configFile ?? "", "utf8"), "deploy", config.configEnv))
    : {};
  const given = parseParameterOverrides(config.parameterOverrides.flatMap((w) => splitWords(w)));
  return Object.entries({ ...fromFile, ...given }).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
}

/** Runs `haneul deploy`; resolves to the exit status. */
export async function runDeploy(config: StackCommandConfig, clients: StackClients): Promise<number> {
  const { cfn, s3 } = clients;
  const out: Print = (l) => void (config.json || process.stdout.write(`${l}\n`));
  let body: string;
  try {
    body = await packageTemplate(config, s3);
  } catch (e) {
    if (!isPlatformError(e)) throw e;
    process.stderr.write(`haneul deploy: ${describeTemplateError(e)}\n`);
    return 1;
  }
  const stackName = config.stackName ?? "";
  const existing = await findStack(cfn, stackName);
  const type = existing && existing.StackStatus !== "REVIEW_IN_PROGRESS" ? "UPDATE" : "CREATE";
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName: `haneul-deploy-${Date.now()}`,
      ChangeSetType: type,
      TemplateBody: body,
      Parameters: parameters(config),
      Capabilities: CAPABILITIES,
    }),
  );
  const cs = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id, StackName: stackName }));
  const changes = cs.Changes ?? [];
  if (cs.Status === "FAILED") {
    if (NO_CHANGES.test(cs.StatusReason ?? "")) {
      report(config, {
        stackName,
        status: existing?.StackStatus,
        changes: [],
        message: `No changes to deploy. Stack ${stackName} is up to date`,
      });
      return 0;
    }
    process.stderr.write(`haneul deploy: the change set failed: ${cs.StatusReason ?? ""}\n`);
    return 1;
  }
  out(`Change set for stack ${stackName} (${type === "CREATE" ? "new stack" : "update"}):`);
  for (const l of changeLines(changes)) out(l);
  for (const w of recorded(changes)) out(`warning: ${w}`);
  if (config.noExecute) {
    report(config, {
      stackName,
      status: type === "CREATE" ? "REVIEW_IN_PROGRESS" : existing?.StackStatus,
      changes,
      changeSetId: created.Id,
    });
    return 0;
  }
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id, StackName: stackName }));
  // A CodeDeploy deployment an alias update became is followed step by step (the alias's events).
  const stack = await waitForStack(cfn, created.StackId ?? stackName, (e) => {
    if (e.ResourceStatusReason?.startsWith("CodeDeploy deployment")) out(eventLine(e));
  });
  return finish(config, clients, { stack, changes });
}

function recorded(changes: readonly Change[]): string[] {
  const added = changes.filter((c) => c.ResourceChange?.Action !== "Remove");
  return recordedOnly(
    added.map((c) => [c.ResourceChange?.LogicalResourceId ?? "", c.ResourceChange?.ResourceType ?? ""]),
  ).map((r) => `${r.logicalId} (${r.type}) is recorded but not created: ${r.note}`);
}

async function finish(
  config: StackCommandConfig,
  clients: StackClients,
  input: { stack: Stack; changes: Change[] },
): Promise<number> {
  const { cfn } = clients;
  const { stack } = input;
  const ok = stack.StackStatus === "CREATE_COMPLETE" || stack.StackStatus === "UPDATE_COMPLETE";
  const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stack.StackId }))).StackEvents ?? [];
  const failed = events.find((e) => /_FAILED$/.test(e.ResourceStatus ?? "") && e.LogicalResourceId !== stack.StackName);
  const resources =
    (await cfn.send(new ListStackResourcesCommand({ StackName: stack.StackId }))).StackResourceSummaries ?? [];
  const apis = ok ? apiUrls(resources, config.gateway) : [];
  const functionUrls = ok ? await functionUrlsOf(clients, resources) : [];
  report(config, {
    stackName: stack.StackName ?? "",
    status: stack.StackStatus,
    changes: input.changes,
    outputs: stack.Outputs ?? [],
    apis,
    functionUrls,
    failed: failed && { logicalId: failed.LogicalResourceId, reason: failed.ResourceStatusReason },
  });
  if (!ok && !config.json) {
    process.stderr.write(`haneul deploy: stack ${stack.StackName ?? ""} is ${stack.StackStatus ?? ""}\n`);
    if (failed)
      process.stderr.write(`  ${failed.LogicalResourceId ?? ""} failed: ${failed.ResourceStatusReason ?? ""}\n`);
    const newest = events.slice(0, 12).reverse();
    for (const e of newest) process.stderr.write(`${eventLine(e)}\n`);
  }
  return ok ? 0 : 1;
}

function report(config: StackCommandConfig, r: Record<string, unknown> & { stackName: string }): void {
  if (config.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  if (typeof r.message === "string") process.stdout.write(`${r.message}\n`);
  const outputs = (r.outputs ?? []) as Parameters<typeof outputLines>[0];
  const apis = (r.apis ?? []) as { logicalId: string; url: string }[];
  if (r.status === "CREATE_COMPLETE" || r.status === "UPDATE_COMPLETE") {
    if (r.message === undefined) process.stdout.write(`Stack ${r.stackName}: ${String(r.status)}\n`);
    if (outputs.length) process.stdout.write(`Outputs:\n${outputLines(outputs).join("\n")}\n`);
    if (apis.length)
      process.stdout.write(`APIs:\n${apis.map((a) => `  ${a.logicalId.padEnd(28)} ${a.url}`).join("\n")}\n`);
    const urls = (r.functionUrls ?? []) as { logicalId: string; url: string }[];
    if (urls.length)
      process.stdout.write(`Function URLs:\n${urls.map((a) => `  ${a.logicalId.padEnd(28)} ${a.url}`).join("\n")}\n`);
  }
}

/** The address of each function URL the stack made (`AWS::Lambda::Url`, whose id is its function's ARN). */
async function functionUrlsOf(
  clients: StackClients,
  resources: readonly StackResourceSummary[],
): Promise<{ logicalId: string; url: string }[]> {
  const out: { logicalId: string; url: string }[] = [];
  for (const r of resources) {
    if (r.ResourceType !== "AWS::Lambda::Url" || !clients.lambda || !r.PhysicalResourceId) continue;
    const got = await clients.lambda
      .send(new GetFunctionUrlConfigCommand({ FunctionName: r.PhysicalResourceId }))
      .catch(() => undefined);
    if (got?.FunctionUrl) out.push({ logicalId: r.LogicalResourceId ?? "", url: got.FunctionUrl });
  }
  return out;
}
