/** How the stack commands print stacks, change sets, events and the APIs' local URLs. */
import type { Change, Output, StackEvent, StackResourceSummary } from "@aws-sdk/client-cloudformation";

/** One line per change: action, logical id, type, and why (changed properties, replacement). */
export function changeLines(changes: readonly Change[]): string[] {
  if (!changes.length) return ["  (no resource changes)"];
  return changes.map((c) => {
    const r = c.ResourceChange ?? {};
    const action = r.Action ?? "";
    const names = [...new Set((r.Details ?? []).map((d) => d.Target?.Name).filter(Boolean))];
    const causes = [...new Set((r.Details ?? []).map((d) => d.CausingEntity).filter(Boolean))];
    const why =
      action === "Add"
        ? "new in the template"
        : action === "Remove"
          ? r.PolicyAction === "Retain"
            ? "removed from the template (kept: DeletionPolicy Retain)"
            : "removed from the template"
          : `${names.join(", ")} changed${causes.length ? ` (through ${causes.join(", ")})` : ""}${r.Replacement === "True" ? "; replaced" : ""}`;
    return `  ${action.padEnd(7)} ${(r.LogicalResourceId ?? "").padEnd(40)} ${(r.ResourceType ?? "").padEnd(32)} ${why}`;
  });
}

/** An event as one line. */
export function eventLine(e: StackEvent): string {
  const reason = e.ResourceStatusReason ? `  ${e.ResourceStatusReason}` : "";
  return `  ${(e.ResourceStatus ?? "").padEnd(36)} ${(e.ResourceType ?? "").padEnd(32)} ${e.LogicalResourceId ?? ""}${reason}`;
}

/** The local URLs of the stack's APIs: each REST API stage and HTTP API, on the node's gateway. */
export function apiUrls(
  resources: readonly StackResourceSummary[],
  gateway: string,
): { logicalId: string; url: string }[] {
  const byId = new Map(resources.map((r) => [r.LogicalResourceId ?? "", r]));
  const out: { logicalId: string; url: string }[] = [];
  const base = new URL(gateway);
  const host = (apiId: string) => `${base.protocol}//${apiId}.execute-api.localhost:${base.port}`;
  for (const r of resources) {
    if (r.ResourceType === "AWS::ApiGatewayV2::Api")
      out.push({ logicalId: r.LogicalResourceId ?? "", url: `${host(r.PhysicalResourceId ?? "")}/` });
  }
  for (const r of resources) {
    if (r.ResourceType !== "AWS::ApiGateway::Stage") continue;
    const apiLogical = (r.LogicalResourceId ?? "").replace(/(Stage[0-9a-f]{10}|[A-Za-z0-9]+Stage)$/, "");
    const api = [...byId.values()].find(
      (x) =>
        x.ResourceType === "AWS::ApiGateway::RestApi" &&
        (r.LogicalResourceId ?? "").startsWith(x.LogicalResourceId ?? "\0"),
    );
    const apiId = api?.PhysicalResourceId ?? apiLogical;
    out.push({
      logicalId: `${api?.LogicalResourceId ?? apiLogical} (${r.PhysicalResourceId ?? ""})`,
      url: `${host(apiId)}/${r.PhysicalResourceId ?? ""}/`,
    });
  }
  return out;
}

/** Outputs as lines. */
export function outputLines(outputs: readonly Output[]): string[] {
  return outputs.map(
    (o) =>
      `  ${(o.OutputKey ?? "").padEnd(28)} ${o.OutputValue ?? ""}${o.ExportName ? `  (export ${o.ExportName})` : ""}`,
  );
}
