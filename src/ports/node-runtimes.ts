/** Where a Node.js major stands on this node: ready, being installed, or failed (with why). */
export type NodeRuntimeStatus =
  | { readonly state: "ready"; readonly binary: string; readonly version: string }
  | { readonly state: "absent" }
  | { readonly state: "installing" }
  | { readonly state: "failed"; readonly reason: string };

/**
 * The Node.js binaries functions run on, one per major (`nodejs22.x` runs on Node.js 22). The
 * node's own Node.js serves its major; others are installed once into a cache from the npm
 * registry (the `node-<platform>-<arch>` packages) and reused.
 */
export interface NodeRuntimes {
  /** Where installed majors live (instances must see it, read-only), if anywhere. */
  readonly cacheDir?: string | undefined;
  /** The status of `major` now (no I/O). */
  status(major: number): NodeRuntimeStatus;
  /** The binary of `major`, installing it first when it is absent; rejects with the reason it cannot be had. */
  ensure(major: number): Promise<string>;
  /** Every major ready now, with its binary and exact version. */
  installed(): readonly { readonly major: number; readonly binary: string; readonly version: string }[];
}
