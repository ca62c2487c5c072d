/**
 * SNS message signatures: a notification or subscription confirmation is signed over SNS's
 * canonical string (each signed field's name and value on their own lines, in SNS's order, absent
 * fields left out) with SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2), by a key pair whose
 * self-signed X.509 certificate the node serves at SigningCertURL. The key is generated once and
 * kept in the topic store, so every node of a cluster signs with the same one.
 */
import { createHash, createPrivateKey, createSign, X509Certificate, type KeyObject } from "node:crypto";
import type { SigningKeyRecord } from "../ports/topic-store.js";
import type { Notification } from "./envelopes.js";

/** How long the generated certificate is valid: long enough never to lapse under a node. */
const CERT_LIFETIME_MS = 20 * 365 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The fields SNS signs, in its order. */
const NOTIFICATION_FIELDS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const CONFIRMATION_FIELDS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"] as const;

/** SNS's canonical string of a message's fields (`Name\nvalue\n` for each signed field present). */
export function canonicalString(
  kind: Notification["kind"],
  fields: Readonly<Record<string, string | undefined>>,
): string {
  const names = kind === "Notification" ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let text = "";
  for (const name of names) {
    const value = fields[name];
    if (value !== undefined) text += `${name}\n${value}\n`;
  }
  return text;
}

/** Generates a 2048-bit RSA key pair with a self-signed certificate valid from `now` (a day earlier). */
export async function generateSigningKey(now: number): Promise<SigningKeyRecord> {
  // Imported when first needed: with its X.509 stack it is a tenth of what a node loads at start.
  // A CommonJS module: its exports are its `default`, the one member the CLI's bundle gives it too.
  const { default: selfsigned } = await import("selfsigned");
  const pems = await selfsigned.generate([{ name: "commonName", value: "sns.haneul.local" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + CERT_LIFETIME_MS),
  });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}

/** Signs messages with one stored key pair and names its certificate. */
export class MessageSigner {
  /** The certificate's file name under the API's root (`SimpleNotificationService-<hash>.pem`, as SNS names it). */
  readonly certName: string;
  readonly certificatePem: string;
  readonly #key: KeyObject;

  constructor(record: SigningKeyRecord) {
    this.#key = createPrivateKey(record.privateKeyPem);
    this.certificatePem = record.certificatePem;
    const der = new X509Certificate(record.certificatePem).raw;
    this.certName = `SimpleNotificationService-${createHash("sha256").update(der).digest("hex").slice(0, 32)}.pem`;
  }

  /** The base64 signature of `canonical` for SignatureVersion `version` ("2": SHA256, else SHA1). */
  sign(canonical: string, version: string): string {
    return createSign(version === "2" ? "RSA-SHA256" : "RSA-SHA1")
      .update(canonical, "utf8")
      .sign(this.#key, "base64");
  }
}
