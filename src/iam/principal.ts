/**
 * Who makes a request, as IAM sees it: the account root, an IAM user, a role session
 * (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) or an AWS service principal.
 */

/** The identity a request is evaluated as. */
export type Principal =
  | { readonly kind: "root"; readonly accountId: string; readonly arn: string }
  | {
      readonly kind: "user";
      readonly accountId: string;
      readonly arn: string;
      readonly userName: string;
      readonly userId: string;
    }
  | {
      readonly kind: "assumed-role";
      readonly accountId: string;
      /** The session ARN: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
      readonly arn: string;
      readonly roleName: string;
      readonly roleArn: string;
      readonly roleId: string;
      readonly sessionName: string;
    }
  | { readonly kind: "service"; readonly service: string; readonly arn: string };

/** The account root. */
export function rootPrincipal(accountId: string): Principal {
  return { kind: "root", accountId, arn: `arn:aws:iam::${accountId}:root` };
}

/** A role session, e.g. a function running with its execution role. */
export function roleSession(o: {
  accountId: string;
  roleName: string;
  rolePath?: string;
  roleId: string;
  sessionName: string;
}): Principal {
  return {
    kind: "assumed-role",
    accountId: o.accountId,
    arn: `arn:aws:sts::${o.accountId}:assumed-role/${o.roleName}/${o.sessionName}`,
    roleName: o.roleName,
    roleArn: `arn:aws:iam::${o.accountId}:role${o.rolePath ?? "/"}${o.roleName}`,
    roleId: o.roleId,
    sessionName: o.sessionName,
  };
}

/** An AWS service acting on its own behalf (`apigateway.amazonaws.com`). */
export function servicePrincipal(service: string): Principal {
  return { kind: "service", service, arn: service };
}

/** The global condition keys the principal provides (aws:username, aws:userid, aws:PrincipalArn…). */
export function principalKeys(p: Principal): Record<string, string> {
  switch (p.kind) {
    case "root":
      return {
        "aws:PrincipalArn": p.arn,
        "aws:PrincipalAccount": p.accountId,
        "aws:PrincipalType": "Account",
        "aws:userid": p.accountId,
      };
    case "user":
      return {
        "aws:PrincipalArn": p.arn,
        "aws:PrincipalAccount": p.accountId,
        "aws:PrincipalType": "User",
        "aws:username": p.userName,
        "aws:userid": p.userId,
      };
    case "assumed-role":
      return {
        "aws:PrincipalArn": p.roleArn,
        "aws:PrincipalAccount": p.accountId,
        "aws:PrincipalType": "AssumedRole",
        "aws:userid": `${p.roleId}:${p.sessionName}`,
      };
    case "service":
      return { "aws:PrincipalServiceName": p.service, "aws:PrincipalIsAWSService": "true" };
  }
}
