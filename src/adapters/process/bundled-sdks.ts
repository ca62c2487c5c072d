import { mkdir, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The packages instances can `require` without bundling them, as the AWS Node.js runtimes ship the SDK. */
const BUNDLED = ["aws-sdk", "@aws-sdk"] as const;

function installedPath(name: string): string | undefined {
  try {
    const pkg = name.startsWith("@") ? `${name}/client-lambda/package.json` : `${name}/package.json`;
    const dir = dirname(require.resolve(pkg));
    return name.startsWith("@") ? dirname(dir) : dir;
  } catch {
    return undefined;
  }
}

/**
 * Makes `dir` a NODE_PATH entry holding links to the AWS SDKs installed with haneul (aws-sdk v2 and
 * the @aws-sdk v3 clients), and nothing else of haneul's dependencies. Returns `dir`.
 */
export async function linkBundledSdks(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of BUNDLED) {
    const target = installedPath(name);
    if (!target) continue;
    await symlink(target, join(dir, name)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
  }
  return dir;
}
