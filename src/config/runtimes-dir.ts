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
  /**
   * What npm needs of the environment to reach the registry: proxies, CA files and `npm_config_*`
   * settings (behind a TLS-intercepting proxy, a Node.js from the cache knows no other CA file).
   */
  readonly network: Readonly<Record<string, string>>;
}

/** Variables handed to npm besides PATH and HOME (any case for the proxies, as curl and npm read them). */
const NETWORK_VARIABLE = /^(?:(?:https?|all|no)_proxy|node_extra_ca_certs|ssl_cert_(?:file|dir)|npm_config_\w+)$/i;

/** The variables of `env` that npm needs to reach the registry (see RuntimesSettings.network). */
export function networkEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && NETWORK_VARIABLE.test(name)) out[name] = value;
  return out;
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
  return Object.freeze({
    dir,
    home,
    path: env["PATH"] || "/usr/local/bin:/usr/bin:/bin",
    network: Object.freeze(networkEnv(env)),
  });
}

/** `runtimesSettings` over this process's environment (config is the only reader of process.env). */
export function runtimesSettingsFromProcess(): RuntimesSettings {
  return runtimesSettings(process.env);
}
