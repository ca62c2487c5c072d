/** Creating IAM roles for test functions with the real SDK v3 IAM client, as users do on AWS. */
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";

/** Lambda's trust policy: the service may assume the role. */
export const LAMBDA_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** Where and as whom to call IAM. */
export interface IamTarget {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** An IAM client for a node (IAM is signed for us-east-1). */
export function iamClient(t: IamTarget): IAMClient {
  return new IAMClient({
    region: "us-east-1",
    endpoint: t.endpoint,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    maxAttempts: 1,
  });
}

/** Creates `roleName` for Lambda with one inline policy allowing `actions` on `resource`. */
export async function createFunctionRole(
  t: IamTarget,
  roleName: string,
  statement: { actions: string[]; resource?: string },
): Promise<string> {
  const iam = iamClient(t);
  try {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST }),
    );
    const document = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: statement.actions, Resource: statement.resource ?? "*" }],
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "allow", PolicyDocument: document }));
    return created.Role?.Arn ?? "";
  } finally {
    iam.destroy();
  }
}
