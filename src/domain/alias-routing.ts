/** An alias's routing: a primary version and at most one extra weighted version (AWS rule). */
export interface AliasRouting {
  readonly name: string;
  readonly primaryVersion: string;
  readonly additionalVersion?: { readonly version: string; readonly weight: number } | undefined;
}

/**
 * Picks the version an alias call runs: the extra version with probability `weight`, else the
 * primary. `random` is in [0, 1).
 */
export function pickAliasVersion(routing: AliasRouting, random: number): string {
  const extra = routing.additionalVersion;
  return extra && random < extra.weight ? extra.version : routing.primaryVersion;
}

/** How a qualifier reads: absent or `$LATEST`, a version number, or an alias name. */
export function qualifierKind(qualifier: string | undefined): "latest" | "version" | "alias" {
  if (qualifier === undefined || qualifier === "" || qualifier === "$LATEST") return "latest";
  return /^\d+$/.test(qualifier) ? "version" : "alias";
}
