/**
 * SNS message signatures on a real node, checked as a subscriber checks them: an HTTP endpoint
 * receives the SubscriptionConfirmation and the notifications, fetches the certificate from
 * SigningCertURL (served unsigned by the node), and verifies the signature over SNS's canonical
 * string (built here from AWS's documentation, not from haneul's code) with node:crypto:
 * SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. A tampered message fails.
 */
import assert from "node:assert/strict";
import { createVerify, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitUntil } from "../helpers/wait.js";

type SnsMessage = Record<string, string>;

/** The signed fields, in the order AWS's "Verifying the signatures of Amazon SNS messages" lists them. */
const SIGNED: Readonly<Record<string, readonly string[]>> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

async function verifies(m: SnsMessage): Promise<boolean> {
  const pem = await (await fetch(m["SigningCertURL"]!)).text();
  const names = SIGNED[m["Type"]!] ?? [];
  const text = names.flatMap((k) => (m[k] === undefined ? [] : [`${k}\n${m[k]}\n`])).join("");
  const verifier = createVerify(m["SignatureVersion"] === "2" ? "RSA-SHA256" : "RSA-SHA1");
  return verifier.update(text, "utf8").verify(pem, m["Signature"]!, "base64");
}

describe("SNS message signatures (real node, HTTP subscriber)", () => {
  let node: LambdaNode;
  let sns: SNSClient;
  let http: Server;
  let endpoint: string;
  const received: SnsMessage[] = [];

  before(async () => {
    node = await startLambdaNode();
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    sns = new SNSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as SnsMessage);
        res.end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    sns.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await node.close();
  });

  const next = async (type: string): Promise<SnsMessage> => {
    await waitUntil(() => received.some((m) => m["Type"] === type), `a ${type}`, 20_000);
    const i = received.findIndex((m) => m["Type"] === type);
    return received.splice(i, 1)[0]!;
  };

  it("signs the confirmation and notifications (versions 1 and 2) with the certificate it serves", async () => {
    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: "signed" }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: endpoint }));
    const confirmation = await next("SubscriptionConfirmation");
    assert.equal(confirmation["SignatureVersion"], "1");
    assert.ok(confirmation["SigningCertURL"]!.startsWith(`${node.url}/SimpleNotificationService-`));
    assert.equal(await verifies(confirmation), true, "the confirmation verifies");
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: confirmation["Token"] }));

    // The certificate is a self-signed X.509 certificate, fetched without a signature.
    const cert = new X509Certificate(await (await fetch(confirmation["SigningCertURL"]!)).text());
    assert.equal(cert.verify(cert.publicKey), true);

    await sns.send(new PublishCommand({ TopicArn, Message: "hello", Subject: "greeting" }));
    const v1 = await next("Notification");
    assert.equal(v1["SignatureVersion"], "1");
    assert.equal(await verifies(v1), true, "version 1 verifies");
    assert.equal(await verifies({ ...v1, Message: "hellO" }), false, "a tampered message fails");
    assert.equal(await verifies({ ...v1, Subject: "other" }), false, "a tampered subject fails");

    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "SignatureVersion", AttributeValue: "2" }));
    await sns.send(new PublishCommand({ TopicArn, Message: "no subject" }));
    const v2 = await next("Notification");
    assert.equal(v2["SignatureVersion"], "2");
    assert.equal(v2["SigningCertURL"], v1["SigningCertURL"], "one key per node");
    assert.equal(await verifies(v2), true, "version 2 verifies");
    assert.equal(await verifies({ ...v2, SignatureVersion: "1" }), false, "not a SHA1 signature");
  });

  it("serves only its own certificate unsigned: another .pem path still needs a signature", async () => {
    const res = await fetch(`${node.url}/SimpleNotificationService-0000.pem`);
    assert.notEqual(res.status, 200);
  });
});
