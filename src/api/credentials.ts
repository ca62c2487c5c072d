import { createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SharedKeySource, SharedSecretSource } from "../ports/shared-key.js";

/** One access key pair. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The access keys a node accepts. */
export interface NodeCredentials {
  /** The administrator key (configured, loaded from the data directory, or generated): the account root. */
  readonly primary: AccessKey;
  /** Where the primary key was written when it was generated on this start (print it once); else undefined. */
  readonly generatedFile: string | undefined;
}

/** Where the keys come from; `random` is injectable so tests can pin the generated keys. */
export interface CredentialOptions {
  readonly dataDir: string;
  /** A configured key (HANEUL_ACCESS_KEY_ID/HANEUL_SECRET_ACCESS_KEY); overrides the file. */
  readonly configured?: AccessKey | undefined;
  /**
   * Cluster mode: the key is kept in the shared database, so every node accepts it; the data
   * directory's file gets a copy for the local AWS CLI profile.
   */
  readonly shared?: SharedKeySource | undefined;
  readonly random?: (bytes: number) => Buffer;
}

/** Name of the profile in `<data>/credentials` (usable with `AWS_PROFILE=haneul`). */
export const CREDENTIALS_PROFILE = "haneul";

/**
 * Loads the node's administrator key: the configured key, else (cluster) the key in the shared
 * database, else `<data>/credentials`, else a new key written there with mode 0600 in the AWS
 * shared-credentials format.
 */
export async function loadNodeCredentials(options: CredentialOptions): Promise<NodeCredentials> {
  const random = options.random ?? randomBytes;
  const file = credentialsFile(options.dataDir);
  let primary = options.configured;
  let generatedFile: string | undefined;
  if (primary === undefined && options.shared) {
    const adopted = await options.shared.adopt(generateAccessKey("AKIA", random));
    primary = adopted.key;
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    await writeFile(file, formatCredentialsFile(primary), { mode: 0o600 });
    if (adopted.created) generatedFile = file;
  }
  if (primary === undefined) {
    primary = await readCredentialsFile(file);
    if (primary === undefined) {
      const written = await writeCredentialsFile(file, options.dataDir, generateAccessKey("AKIA", random));
      primary = written.key;
      if (written.created) generatedFile = file;
    }
  }
  return Object.freeze({ primary, generatedFile });
}

/** Path of the credentials file inside a data directory. */
export function credentialsFile(dataDir: string): string {
  return join(dataDir, "credentials");
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A new key pair: `<prefix>` + 16 upper-case letters/digits, and a 40-character base64 secret. */
export function generateAccessKey(prefix: string, random: (bytes: number) => Buffer = randomBytes): AccessKey {
  // 32 symbols, 5 bits each: every byte maps without bias.
  const idBytes = random(16);
  let id = prefix;
  for (const b of idBytes) id += KEY_ALPHABET[b & 31];
  return { accessKeyId: id, secretAccessKey: random(30).toString("base64") };
}

/** Formats a key pair as an AWS shared-credentials profile. */
export function formatCredentialsFile(key: AccessKey): string {
  return `[${CREDENTIALS_PROFILE}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`;
}

/** Reads the `[haneul]` profile of an AWS shared-credentials file; undefined when there is no file. */
export async function readCredentialsFile(file: string): Promise<AccessKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const profile = parseProfile(text, CREDENTIALS_PROFILE);
  const accessKeyId = profile.get("aws_access_key_id");
  const secretAccessKey = profile.get("aws_secret_access_key");
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`${file}: profile [${CREDENTIALS_PROFILE}] needs aws_access_key_id and aws_secret_access_key`);
  }
  return { accessKeyId, secretAccessKey };
}

function parseProfile(text: string, name: string): Map<string, string> {
  const values = new Map<string, string>();
  let inProfile = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[") && line.endsWith("]")) {
      inProfile = line.slice(1, -1).trim() === name;
      continue;
    }
    const eq = line.indexOf("=");
    if (inProfile && eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return values;
}

async function writeCredentialsFile(
  file: string,
  dataDir: string,
  key: AccessKey,
): Promise<{ key: AccessKey; created: boolean }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: two nodes starting on one fresh data directory must not overwrite each other's key.
    await writeFile(file, formatCredentialsFile(key), { mode: 0o600, flag: "wx" });
    return { key, created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const other = await readCredentialsFile(file);
    if (other === undefined) throw e;
    return { key: other, created: false };
  }
}

/** Path of the node's secret inside a data directory. */
export function nodeSecretFile(dataDir: string): string {
  return join(dataDir, "node-secret");
}

/**
 * The node's secret (it seals stored access keys and derives instance keys): the configured one,
 * else `<data>/node-secret`, else a new one written there with mode 0600.
 */
export async function loadNodeSecret(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return configured;
  const file = nodeSecretFile(dataDir);
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return (await readFile(file, "utf8")).trim();
}

/** What identifies a node secret without revealing it. */
export function secretFingerprint(secret: string): string {
  return createHmac("sha256", secret).update("haneul node secret").digest("base64url");
}

/**
 * The node secret of a cluster's node: every node must hold the same one (a key sealed or an
 * instance key minted on one node is used on the others). A configured secret is checked against
 * the fingerprint the database recorded; without one, the node takes the secret the first node
 * generated. A node that cannot agree refuses to start.
 */
export async function clusterNodeSecret(
  source: SharedSecretSource,
  local: string,
  configured: boolean,
): Promise<string> {
  const fingerprint = secretFingerprint(local);
  const recorded = await source.adoptSecret({ fingerprint, secret: configured ? undefined : local });
  if (configured) {
    if (recorded.fingerprint !== fingerprint) {
      throw new ClusterSecretError(
        "HANEUL_NODE_SECRET differs from the node secret this cluster's database was set up with; every node needs the same one",
      );
    }
    return local;
  }
  if (recorded.secret === undefined) {
    throw new ClusterSecretError(
      "this cluster's nodes are configured with HANEUL_NODE_SECRET; set the same one on this node",
    );
  }
  return recorded.secret;
}

/** A node secret that does not agree with the cluster's. */
export class ClusterSecretError extends Error {
  override readonly name = "ClusterSecretError";
}
