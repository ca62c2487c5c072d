import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Where Node.js majors fetched from the npm registry are kept, and what npm runs with. */
export interface RuntimesSettings {
  /** `HANEUL_RUNTIMES_DIR`, else `$XDG_CACHE_HOME/haneul/runtimes`, else `~/.cache/haneul/runtimes`. */
  readonly dir: string;
  /** HOME for npm (its cache and configuration). */
  readonly home: string;
  /** PATH to find npm and tar on. */
  readonly path: string;
}

/**
 * The runtime cache's settings from `env`. The cache is shared by every node and `haneul invoke`
 * of the user: a major is fetched once per machine, not once per data directory.
 */
export function runtimesSettings(
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): RuntimesSettings {
  const home = env["HOME"] || homedir();
  const cache = env["XDG_CACHE_HOME"] || join(home, ".cache");
  const dir = env["HANEUL_RUNTIMES_DIR"] ? resolve(cwd, env["HANEUL_RUNTIMES_DIR"]) : join(cache, "haneul", "runtimes");
  return Object.freeze({ dir, home, path: env["PATH"] || "/usr/local/bin:/usr/bin:/bin" });
}

/** `runtimesSettings` over this process's environment (config is the only reader of process.env). */
export function runtimesSettingsFromProcess(): RuntimesSettings {
  return runtimesSettings(process.env);
}
