/** The pseudo parameters CloudFormation defines for every stack. */
export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly partition: string;
  readonly urlSuffix: string;
  /** SNS topics for stack events (`AWS::NotificationARNs`). */
  readonly notificationArns: readonly string[];
}

/** Pseudo parameters for a stack of `stackName` in `region` and `accountId`; `stackId` defaults to CloudFormation's ARN shape. */
export function pseudoParameters(p: {
  region: string;
  accountId: string;
  stackName: string;
  stackId?: string | undefined;
}): PseudoParameters {
  const partition = p.region.startsWith("cn-") ? "aws-cn" : p.region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return {
    region: p.region,
    accountId: p.accountId,
    stackName: p.stackName,
    stackId:
      p.stackId ??
      `arn:${partition}:cloudformation:${p.region}:${p.accountId}:stack/${p.stackName}/00000000-0000-0000-0000-000000000000`,
    partition,
    urlSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    notificationArns: [],
  };
}

/** The value of `AWS::<name>`, or undefined for a name that is not a pseudo parameter (`AWS::NoValue` is handled by the resolver). */
export function pseudoValue(pseudo: PseudoParameters, name: string): string | string[] | undefined {
  switch (name) {
    case "AWS::Region":
      return pseudo.region;
    case "AWS::AccountId":
      return pseudo.accountId;
    case "AWS::StackName":
      return pseudo.stackName;
    case "AWS::StackId":
      return pseudo.stackId;
    case "AWS::Partition":
      return pseudo.partition;
    case "AWS::URLSuffix":
      return pseudo.urlSuffix;
    case "AWS::NotificationARNs":
      return [...pseudo.notificationArns];
    default:
      return undefined;
  }
}
