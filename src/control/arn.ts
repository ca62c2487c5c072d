/** Where ARNs are minted: the node's region and account. */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

/** `arn:aws:lambda:{region}:{account}:function:{name}` plus `:{qualifier}` when given. */
export function functionArn(scope: ArnScope, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/** Lambda's LastModified string: `2020-04-10T19:06:32.563+0000`. */
export function lambdaDate(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}
