/** The parts of the node's own environment that function instances may inherit. */
export interface InstanceHostEnv {
  /** PATH handed to instances so that user code can spawn tools (the node's own PATH). */
  readonly PATH: string;
  /** Locale, as the Lambda Node.js runtime sets it. */
  readonly LANG: string;
}

// The same directories the Lambda execution environment searches, minus /var/lang and /opt.
const FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * Picks what instances inherit from `env`; nothing else of the node's environment (its credentials,
 * NODE_OPTIONS, HANEUL_*) may leak into user code.
 */
export function instanceHostEnv(env: Readonly<Record<string, string | undefined>>): InstanceHostEnv {
  return Object.freeze({ PATH: env["PATH"] || FALLBACK_PATH, LANG: "en_US.UTF-8" });
}

/** `instanceHostEnv` over this process's environment (config is the only reader of process.env). */
export function instanceHostEnvFromProcess(): InstanceHostEnv {
  return instanceHostEnv(process.env);
}
