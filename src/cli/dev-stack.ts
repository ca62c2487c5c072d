/**
 * The stack of `haneul dev` on its in-process node: the template built, packaged into the node's S3
 * and deployed as a change set through the node's CloudFormation API (as `haneul deploy` does);
 * and the fast path for a code change: the rebuilt function's code handed to Lambda's
 * UpdateFunctionCode, which gives that function new instances and leaves the others warm.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  type Change,
} from "@aws-sdk/client-cloudformation";
import { LambdaClient, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { readTemplate } from "../domain/template/read.js";
import type { TemplateObject } from "../domain/template/values.js";
import type { DevBuildTools } from "../ports/build-tools.js";
import { buildUnits, localArtifacts, runBuild, zipArtifact, type BuildUnit } from "../stacks/index.js";
import { applyEnvVars, devApis, instanceShapes, parseEnvVars, type DevApi, type StackResource } from "../dev/index.js";
import type { InstanceShape } from "../domain/function-spec.js";
import { findStack, waitForStack } from "./stack-clients.js";

const BUCKET = "haneul-dev-artifacts";
const NO_CHANGES = /didn't contain changes/;

/** The outcome of a deploy: the changes applied, or why it failed (the stack keeps its last good state). */
export type DeployOutcome =
  { readonly ok: true; readonly changes: readonly Change[] } | { readonly ok: false; readonly reason: string };

/** Where the node is and how to sign. */
export interface DevNodeAccess {
  readonly apiUrl: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What a DevStack deploys. */
export interface DevStackOptions {
  readonly templateFile: string;
  readonly buildDir: string;
  readonly stackName: string;
  readonly tools: DevBuildTools;
  /** `--env-vars`: read again at each deploy. */
  readonly envVarsFile?: string | undefined;
  /**
   * Told the functions of the template before its first deploy builds it, so that their
   * instances' processes start meanwhile.
   */
  readonly prestart?: ((functions: readonly InstanceShape[]) => void) | undefined;
}

export class DevStack {
  readonly #cfn: CloudFormationClient;
  readonly #s3: S3Client;
  readonly #lambda: LambdaClient;
  readonly #o: DevStackOptions;
  #resources: readonly StackResource[] = [];
  #body: TemplateObject = {};
  #units: readonly BuildUnit[] = [];
  #deployed = false;

  constructor(node: DevNodeAccess, o: DevStackOptions) {
    const common = { region: node.region, endpoint: node.apiUrl, credentials: node.credentials, maxAttempts: 1 };
    this.#cfn = new CloudFormationClient(common);
    this.#s3 = new S3Client({ ...common, forcePathStyle: true });
    this.#lambda = new LambdaClient(common);
    this.#o = o;
  }

  /** The template as last deployed. */
  get body(): TemplateObject {
    return this.#body;
  }

  /** Its build units (functions and layers with local code), as last deployed. */
  get units(): readonly BuildUnit[] {
    return this.#units;
  }

  /** The stack's resources as last listed. */
  get resources(): readonly StackResource[] {
    return this.#resources;
  }

  /** The APIs of the deployed stack, with the routes the template gives them. */
  apis(): DevApi[] {
    return devApis(this.#body, this.#resources);
  }

  /** The deployed function's name for a logical id. */
  physicalName(logicalId: string): string | undefined {
    return this.#resources.find((r) => r.logicalId === logicalId && r.type === "AWS::Lambda::Function")?.physicalId;
  }

  /** Reads the template (a syntax error throws, naming file and line). */
  readSource(): TemplateObject {
    return readTemplate(readFileSync(this.#o.templateFile, "utf8"), this.#o.templateFile).body;
  }

  /**
   * Builds what changed (of `only`, when given: the functions whose files changed); throws
   * BuildError or the template's error. Returns the units built this time.
   */
  async build(only?: readonly string[]): Promise<readonly string[]> {
    const result = await runBuild({
      templateFile: this.#o.templateFile,
      buildDir: this.#o.buildDir,
      tools: this.#o.tools,
      only,
    });
    return result.built;
  }

  /** Builds and deploys the whole template as a change set. */
  async deploy(): Promise<DeployOutcome> {
    const source = this.readSource();
    // Known before the build: a first deploy that fails still tells the watcher what to watch.
    if (!this.#resources.length) this.#units = buildUnits(source);
    if (!this.#deployed) this.#o.prestart?.(instanceShapes(source));
    this.#deployed = true;
    await this.build();
    const builtFile = join(this.#o.buildDir, "template.yaml");
    let built = readTemplate(readFileSync(builtFile, "utf8"), builtFile).body;
    const envFile = this.#o.envVarsFile;
    if (envFile !== undefined) built = applyEnvVars(built, parseEnvVars(readFileSync(envFile, "utf8"), envFile));
    const artifacts = localArtifacts(built, this.#o.buildDir);
    const stored = artifacts.length ? await this.#storedKeys() : new Set<string>();
    for (const a of artifacts) {
      if (!stored.has(a.key)) await this.#s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: a.key, Body: a.zip }));
      stored.add(a.key);
      a.place(BUCKET);
    }
    const outcome = await this.#changeSet(JSON.stringify(built));
    if (outcome.ok) {
      this.#body = source;
      this.#units = buildUnits(source);
    }
    await this.#listResources();
    return outcome;
  }

  /** Gives each function its rebuilt code (UpdateFunctionCode): new instances for it only. */
  async updateCode(logicalIds: readonly string[]): Promise<void> {
    const templateDir = dirname(this.#o.templateFile);
    for (const id of logicalIds) {
      const unit = this.#units.find((u) => u.logicalId === id);
      const name = this.physicalName(id);
      if (!unit || !name) continue;
      const dir = unit.kind === "copy" ? resolve(templateDir, unit.source) : join(this.#o.buildDir, id);
      await this.#lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipArtifact(dir) }));
    }
  }

  destroy(): void {
    this.#cfn.destroy();
    this.#s3.destroy();
    this.#lambda.destroy();
  }

  async #changeSet(body: string): Promise<DeployOutcome> {
    const stackName = this.#o.stackName;
    let existing = await findStack(this.#cfn, stackName);
    if (existing?.StackStatus === "ROLLBACK_COMPLETE") {
      // A first deploy that failed (a previous run): CloudFormation only allows deleting it.
      await this.#cfn.send(new DeleteStackCommand({ StackName: existing.StackId }));
      await waitForStack(this.#cfn, existing.StackId ?? stackName);
      existing = undefined;
    }
    const type = existing && existing.StackStatus !== "REVIEW_IN_PROGRESS" ? "UPDATE" : "CREATE";
    const created = await this.#cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: `haneul-dev-${Date.now()}`,
        ChangeSetType: type,
        TemplateBody: body,
        Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
      }),
    );
    const cs = await this.#cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id, StackName: stackName }));
    if (cs.Status === "FAILED") {
      return NO_CHANGES.test(cs.StatusReason ?? "")
        ? { ok: true, changes: [] }
        : { ok: false, reason: cs.StatusReason ?? "the change set failed" };
    }
    await this.#cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id, StackName: stackName }));
    const stack = await waitForStack(this.#cfn, created.StackId ?? stackName);
    if (stack.StackStatus === "CREATE_COMPLETE" || stack.StackStatus === "UPDATE_COMPLETE")
      return { ok: true, changes: cs.Changes ?? [] };
    const events =
      (await this.#cfn.send(new DescribeStackEventsCommand({ StackName: stack.StackId }))).StackEvents ?? [];
    const failed = events.find((e) => /_FAILED$/.test(e.ResourceStatus ?? "") && e.LogicalResourceId !== stackName);
    const why = failed
      ? `${failed.LogicalResourceId ?? ""}: ${failed.ResourceStatusReason ?? ""}`
      : (stack.StackStatusReason ?? "");
    return { ok: false, reason: `stack ${stackName} is ${stack.StackStatus ?? ""}: ${why}` };
  }

  async #listResources(): Promise<void> {
    const stack = await findStack(this.#cfn, this.#o.stackName);
    if (!stack) return;
    const list =
      (await this.#cfn.send(new ListStackResourcesCommand({ StackName: stack.StackId }))).StackResourceSummaries ?? [];
    this.#resources = list.map((r) => ({
      logicalId: r.LogicalResourceId ?? "",
      type: r.ResourceType ?? "",
      physicalId: r.PhysicalResourceId ?? "",
    }));
  }

  /**
   * The keys of the artifacts bucket (created when missing). Keys are the artifacts' SHA-256: one
   * listing tells which are there, where a HeadObject per artifact took as many round trips.
   */
  async #storedKeys(): Promise<Set<string>> {
    const keys = new Set<string>();
    try {
      for await (const page of paginateListObjectsV2({ client: this.#s3 }, { Bucket: BUCKET })) {
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.add(o.Key);
      }
    } catch (e) {
      if ((e as { name?: string }).name !== "NoSuchBucket") throw e;
      await this.#s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    }
    return keys;
  }
}
