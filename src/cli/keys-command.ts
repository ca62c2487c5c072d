/**
 * `haneul keys`: IAM users with access keys on a running node, through its IAM API (signed with
 * the node's administrator key), as `aws iam create-user`/`create-access-key` would do.
 */
import { readFile } from "node:fs/promises";
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { credentialsFile, readCredentialsFile } from "../api/credentials.js";
import { ConfigError } from "../config/server-config.js";
import { KEYS_USAGE, loadKeysConfigFromProcess, type KeysConfig } from "../config/keys-config.js";
import { managedPolicy } from "../iam/index.js";

/** Runs `haneul keys <action>`; resolves to the exit status (2 for bad options, 1 when the node refuses). */
export async function runKeysCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(KEYS_USAGE);
    return 0;
  }
  let config: KeysConfig;
  try {
    config = loadKeysConfigFromProcess(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul keys: ${e.message}\n\n${KEYS_USAGE}`);
    return 2;
  }
  const admin = config.adminKey ?? (await readCredentialsFile(credentialsFile(config.dataDir)).catch(() => undefined));
  if (admin === undefined) {
    process.stderr.write(`haneul keys: no administrator key: ${credentialsFile(config.dataDir)} is missing\n`);
    return 2;
  }
  // IAM is signed for us-east-1 whatever the node's region, as on AWS.
  const iam = new IAMClient({ region: "us-east-1", endpoint: config.endpoint, credentials: admin, maxAttempts: 1 });
  try {
    if (config.action === "create") await create(iam, config);
    else if (config.action === "delete") await remove(iam, config.user ?? "");
    else await list(iam);
    return 0;
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`haneul keys: ${err.name}: ${err.message}\n`);
    return 1;
  } finally {
    iam.destroy();
  }
}

async function create(iam: IAMClient, c: KeysConfig): Promise<void> {
  const UserName = c.user ?? "";
  let policyArn: string | undefined;
  if (c.managedPolicy !== undefined) {
    policyArn = managedPolicy(c.managedPolicy)?.arn;
    if (policyArn === undefined) throw new ConfigError(`unknown managed policy '${c.managedPolicy}'`);
  }
  const document = c.policyFile === undefined ? undefined : await readFile(c.policyFile, "utf8");
  await iam.send(new CreateUserCommand({ UserName }));
  if (document !== undefined) {
    await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: "haneul-keys", PolicyDocument: document }));
  }
  if (policyArn !== undefined) await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: policyArn }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey;
  process.stdout.write(
    `Created user ${UserName} with an access key. The secret is shown this once:\n` +
      `  AWS_ACCESS_KEY_ID=${key?.AccessKeyId ?? ""}\n  AWS_SECRET_ACCESS_KEY=${key?.SecretAccessKey ?? ""}\n`,
  );
}

async function list(iam: IAMClient): Promise<void> {
  const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
  if (users.length === 0) process.stdout.write("no users\n");
  for (const u of users) {
    const UserName = u.UserName ?? "";
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? [];
    const inline = (await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames ?? [];
    const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies ?? [];
    const policies = [...inline, ...attached.map((a) => a.PolicyName ?? "")].join(", ") || "(none)";
    const ids = keys.map((k) => `${k.AccessKeyId ?? ""} (${k.Status ?? ""})`).join(", ") || "(none)";
    process.stdout.write(`${UserName}\tkeys: ${ids}\tpolicies: ${policies}\n`);
  }
}

async function remove(iam: IAMClient, UserName: string): Promise<void> {
  for (const k of (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? []) {
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId }));
  }
  for (const name of (await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames ?? []) {
    await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: name }));
  }
  for (const a of (await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies ?? []) {
    await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: a.PolicyArn }));
  }
  await iam.send(new DeleteUserCommand({ UserName }));
  process.stdout.write(`Deleted user ${UserName}, its keys and policies.\n`);
}
