/**
 * Signed calls to a node's API Gateway management API (rest-json, service `apigateway`) with the
 * real SigV4 signer, and a REST API wired to a function in one call, for tests that need an API
 * without the AWS CLI.
 */
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "./sigv4-signer.js";

/** Where and as whom to call. */
export interface ApigwTarget {
  readonly apiUrl: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region?: string;
}

/** One signed call; asserts a 2xx answer and returns its JSON. */
export async function apigw(
  t: ApigwTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const url = new URL(path, t.apiUrl);
  const signer = new SignatureV4({
    service: "apigateway",
    region: t.region ?? "us-east-1",
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    sha256: NodeSha256,
  });
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signed = await signer.sign({
    method,
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host, "content-type": "application/json" },
    body: text,
  });
  const res = await fetch(url, { method, headers: signed.headers, body: text });
  const answer = (res.status === 204 ? {} : await res.json()) as Record<string, unknown>;
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Deploys a REST API whose root `GET` runs `functionArn` (a Lambda proxy integration) to stage
 * `prod`; returns the API id and the root resource's id.
 */
export async function restApiFor(t: ApigwTarget, functionArn: string): Promise<{ apiId: string; rootId: string }> {
  const region = t.region ?? "us-east-1";
  const api = await apigw(t, "POST", "/restapis", { name: "test" });
  const apiId = api["id"] as string;
  const resources = await apigw(t, "GET", `/restapis/${apiId}/resources`);
  const root = (resources["item"] as { id: string; path: string }[]).find((r) => r.path === "/");
  assert.ok(root, "the API has a root resource");
  await apigw(t, "PUT", `/restapis/${apiId}/resources/${root.id}/methods/GET`, { authorizationType: "NONE" });
  await apigw(t, "PUT", `/restapis/${apiId}/resources/${root.id}/methods/GET/integration`, {
    type: "AWS_PROXY",
    httpMethod: "POST",
    uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
  });
  await apigw(t, "POST", `/restapis/${apiId}/deployments`, { stageName: "prod" });
  return { apiId, rootId: root.id };
}
