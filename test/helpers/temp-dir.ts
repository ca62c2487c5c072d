import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeTree } from "../../src/adapters/fs-code-store.js";
import { ROOT } from "./paths.js";

/** A directory of a test's own. */
export interface TempDir {
  readonly path: string;
  /** Deletes it with everything in it, read-only code trees included; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * A fresh directory `haneul-<name>-XXXXXX` in the system's temp directory, or with `inRepo` under
 * the repository's `.haneul/`: a node's data directory must be there when its instances run, as
 * they get a private /tmp and would not see code extracted under the real one.
 * @example const dir = tempDir("sigv4"); … await dir.remove();
 */
export function tempDir(name: string, o: { inRepo?: boolean } = {}): TempDir {
  const parent = o.inRepo ? join(ROOT, ".haneul") : tmpdir();
  if (o.inRepo) mkdirSync(parent, { recursive: true });
  const path = mkdtempSync(join(parent, `haneul-${name}-`));
  return { path, remove: () => removeTree(path) };
}
