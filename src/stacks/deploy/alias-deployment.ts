import { needService, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceScope } from "./handler.js";

/**
 * An alias with the CodeDeployLambdaAliasUpdate update policy (SAM's DeploymentPreference) is not
 * moved by a stack update: CloudFormation creates a CodeDeploy deployment from the alias's current
 * version to the new one and waits for it; a deployment that does not succeed fails the update
 * (and so rolls the stack back). A rollback, and a first deploy, move the alias directly.
 */

interface AliasUpdatePolicy {
  readonly applicationName: string;
  readonly groupName: string;
  readonly before?: string | undefined;
  readonly after?: string | undefined;
}

function policyOf(updatePolicy: unknown): AliasUpdatePolicy | undefined {
  if (typeof updatePolicy !== "object" || updatePolicy === null) return undefined;
  const p = (updatePolicy as Record<string, unknown>).CodeDeployLambdaAliasUpdate;
  if (typeof p !== "object" || p === null) return undefined;
  const props = p as Properties;
  return {
    applicationName: str(props, "ApplicationName") ?? "",
    groupName: str(props, "DeploymentGroupName") ?? "",
    before: str(props, "BeforeAllowTrafficHook"),
    after: str(props, "AfterAllowTrafficHook"),
  };
}

/** The Lambda AppSpec of shifting `alias` of `fn` from `current` to `target`, with the policy's hooks. */
export function aliasAppSpec(
  o: { logicalId: string; fn: string; alias: string; current: string; target: string },
  p: Pick<AliasUpdatePolicy, "before" | "after">,
): string {
  const properties = { Name: o.fn, Alias: o.alias, CurrentVersion: o.current, TargetVersion: o.target };
  return JSON.stringify({
    version: 0.0,
    Resources: [{ [o.logicalId]: { Type: "AWS::Lambda::Function", Properties: properties } }],
    Hooks: [
      ...(p.before ? [{ BeforeAllowTraffic: p.before }] : []),
      ...(p.after ? [{ AfterAllowTraffic: p.after }] : []),
    ],
  });
}

/**
 * Runs the deployment an update of the alias becomes, when its policy asks for one and its version
 * changes; resolves once it succeeded (the alias then stands on the new version).
 */
export async function deployAliasUpdate(props: Properties, scope: ResourceScope): Promise<void> {
  const policy = policyOf(scope.updatePolicy);
  if (!policy) return;
  const fn = str(props, "FunctionName") ?? "";
  const alias = str(props, "Name") ?? "";
  if (scope.rollback) {
    // A deployment a stop interrupted must not move the alias after the rollback has.
    await scope.services.deployments?.stopActive(fn, alias);
    return;
  }
  const target = str(props, "FunctionVersion") ?? "";
  const current = str(scope.services.lambda.getAlias(fn, alias), "FunctionVersion") ?? "";
  if (current === target) return;
  const cd = needService(scope.services.deployments, scope);
  const appSpec = aliasAppSpec({ logicalId: scope.logicalId, fn, alias, current, target }, policy);
  const progress = scope.progress ?? (() => Promise.resolve());
  const result = await cd.deploy(
    { applicationName: policy.applicationName, groupName: policy.groupName, appSpec },
    progress,
  );
  if (result.status !== "Succeeded") {
    throw new ResourceFailure(
      `CodeDeploy deployment ${result.id} ${result.status.toLowerCase()}: ${result.message ?? "no reason given"}`,
    );
  }
}
