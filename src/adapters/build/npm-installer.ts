import { spawn } from "node:child_process";
import type { PackageInstaller } from "../../ports/build-tools.js";

/**
 * npm as a child process: `npm ci --omit=dev` when the package has a lockfile (exactly what the
 * lockfile says), `npm install --omit=dev` otherwise. `--install-links` copies `file:` dependencies
 * into node_modules instead of linking them, since the artifact must stand on its own.
 */
export class NpmInstaller implements PackageInstaller {
  constructor(private readonly npm = "npm") {}

  install(dir: string, options: { readonly lockfile: boolean }): Promise<void> {
    const args = [
      options.lockfile ? "ci" : "install",
      "--omit=dev",
      "--install-links",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.npm, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      child.on("error", (e) => reject(new Error(`npm could not be started: ${e.message}`)));
      child.on("close", (code) => {
        if (code === 0) resolve();
        else reject(new Error(`npm ${args.join(" ")} failed in ${dir} (exit ${code}):\n${output.trim()}`));
      });
    });
  }
}
