/**
 * Points the AWS CLI's S3 client at a node without --endpoint-url: `aws cloudformation package`
 * (CLI 2.9) makes its S3 client without one, and botocore reads the S3 endpoint ruleset from
 * AWS_DATA_PATH first. Writes a ruleset naming `apiUrl` under `dataPath` (pass it as AWS_DATA_PATH).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeS3EndpointRules(dataPath: string, apiUrl: string): void {
  const rules = join(dataPath, "models", "s3", "2006-03-01");
  mkdirSync(rules, { recursive: true });
  const endpoint = (url: string) => ({ endpoint: { url }, type: "endpoint" });
  const ruleset = {
    version: "1.0",
    parameters: { Bucket: { type: "String", required: false } },
    rules: [
      { conditions: [{ fn: "isSet", argv: [{ ref: "Bucket" }] }], ...endpoint(`${apiUrl}/{Bucket}`) },
      { conditions: [], ...endpoint(apiUrl) },
    ],
  };
  writeFileSync(join(rules, "endpoint-rule-set-1.json"), JSON.stringify(ruleset));
}
