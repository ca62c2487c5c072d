import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { AHEAD_DEPTH, AHEAD_MAX_MS } from "../invoker/instance-pool.js";

/** Options of `haneul server`, validated and frozen. */
export interface ServerConfig {
  /** Absolute path of the data directory (store, code, credentials). */
  readonly dataDir: string;
  /** Interface the control API listens on (loopback unless told otherwise). */
  readonly apiHost: string;
  readonly apiPort: number;
  /** Interface the public gateway listens on. */
  readonly gatewayHost: string;
  readonly gatewayPort: number;
  readonly region: string;
  readonly accountId: string;
  /** Configured access key; when absent the node generates one in the data directory. */
  readonly accessKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Account concurrency limit (ConcurrentExecutions). */
  readonly concurrency: number;
  /** How long an idle instance is kept before it is reaped. */
  readonly idleTimeoutMs: number;
  /** Spare, code-less processes kept started for fast cold starts. */
  readonly spares: number;
  /** Burst smoothing: busy instances of a version before a new event waits for one (0 = off, Lambda's scale-out). */
  readonly scaleOutAfter: number;
  /** How long such an event waits for a busy instance before a new one starts. */
  readonly scaleOutWaitMs: number;
  /** Under burst smoothing, events that may wait in a busy instance's channel (0 = none). */
  readonly aheadDepth: number;
  /** Nice value of instance processes (0-19): the node keeps the CPU it needs under function load. */
  readonly instanceNice: number;
  /** Seed of the draws behind alias weights and stage canaries; absent = Math.random. */
  readonly randomSeed?: number | undefined;
  /** The instance sandbox: `auto` uses what the machine allows, `strict` refuses to start without all of it. */
  readonly sandbox: "auto" | "strict" | "off";
  /** Host uids sandboxed instances run as (the node running as root), first to last. */
  readonly sandboxUids: { readonly first: number; readonly last: number };
}

/** A configuration value was missing or malformed; the message names the flag or variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const host = z.string().min(1);
const count = (min: number) => z.coerce.number().int().min(min);
/** A 32-bit unsigned seed, or undefined when empty. */
const optionalSeed = () =>
  z
    .string()
    .regex(/^\d*$/, "must be a whole number from 0 to 4294967295")
    .transform((s) => (s === "" ? undefined : Number(s)))
    .refine((n) => n === undefined || n <= 0xffffffff, "must be a whole number from 0 to 4294967295");

/** A uid range `first-last`, never including 0 (root). */
const uidRange = () =>
  z
    .string()
    .regex(/^\d+-\d+$/, "must be a range like 200000-265535")
    .transform((s) => {
      const [first, last] = s.split("-").map(Number) as [number, number];
      return { first, last };
    })
    .refine((r) => r.first >= 1, "must not include uid 0 (root)")
    .refine((r) => r.last >= r.first && r.last <= 4294967294, "must go from a lower to a higher uid below 4294967295");

/** Each setting: its flag, its environment variable, its schema and its default. */
const SETTINGS = {
  data: { env: "HANEUL_DATA", schema: z.string().min(1), fallback: ".haneul" },
  "api-port": { env: "HANEUL_API_PORT", schema: port, fallback: "3001" },
  "api-host": { env: "HANEUL_API_HOST", schema: host, fallback: "127.0.0.1" },
  "gateway-port": { env: "HANEUL_GATEWAY_PORT", schema: port, fallback: "3000" },
  host: { env: "HANEUL_HOST", schema: host, fallback: "127.0.0.1" },
  region: {
    env: "HANEUL_REGION",
    schema: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must look like us-east-1"),
    fallback: "us-east-1",
  },
  "account-id": {
    env: "HANEUL_ACCOUNT_ID",
    schema: z.string().regex(/^\d{12}$/, "must be 12 digits"),
    fallback: "000000000000",
  },
  concurrency: { env: "HANEUL_CONCURRENCY", schema: count(1), fallback: "1000" },
  "idle-timeout-ms": { env: "HANEUL_IDLE_TIMEOUT_MS", schema: count(1), fallback: "300000" },
  spares: { env: "HANEUL_SPARES", schema: count(0), fallback: "2" },
  "scale-out-after": { env: "HANEUL_SCALE_OUT_AFTER", schema: count(0), fallback: String(2 * availableParallelism()) },
  "scale-out-wait-ms": { env: "HANEUL_SCALE_OUT_WAIT_MS", schema: count(0), fallback: "250" },
  "ahead-depth": { env: "HANEUL_AHEAD_DEPTH", schema: count(0).max(16), fallback: String(AHEAD_DEPTH) },
  "instance-nice": { env: "HANEUL_INSTANCE_NICE", schema: count(0).max(19), fallback: "10" },
  "random-seed": { env: "HANEUL_RANDOM_SEED", schema: optionalSeed(), fallback: "" },
  sandbox: { env: "HANEUL_SANDBOX", schema: z.enum(["auto", "strict", "off"]), fallback: "auto" },
  "sandbox-uids": { env: "HANEUL_SANDBOX_UIDS", schema: uidRange(), fallback: "200000-265535" },
} as const;

type SettingName = keyof typeof SETTINGS;
type Env = Readonly<Record<string, string | undefined>>;

// Secrets are accepted from the environment only: a flag would show them in `ps`.
const accessKeyIdSchema = z.string().regex(/^[A-Z0-9]{16,128}$/, "must be 16-128 upper-case letters and digits");
const secretSchema = z.string().min(1).max(128);

/** Usage text of `haneul server`. */
export const SERVER_USAGE = `usage: haneul server [options]

  --data <dir>             data directory (HANEUL_DATA, default .haneul)
  --api-port <n>           control API port (HANEUL_API_PORT, default 3001)
  --api-host <addr>        control API interface (HANEUL_API_HOST, default 127.0.0.1)
  --gateway-port <n>       gateway port (HANEUL_GATEWAY_PORT, default 3000)
  --host <addr>            gateway interface (HANEUL_HOST, default 127.0.0.1)
  --region <name>          region in ARNs and signatures (HANEUL_REGION, default us-east-1)
  --account-id <12 digits> account id in ARNs (HANEUL_ACCOUNT_ID, default 000000000000)
  --concurrency <n>        account concurrency limit (HANEUL_CONCURRENCY, default 1000)
  --idle-timeout-ms <n>    idle instance lifetime (HANEUL_IDLE_TIMEOUT_MS, default 300000)
  --spares <n>             spare processes kept ready (HANEUL_SPARES, default 2)
  --scale-out-after <n>    busy instances of a version before new events wait briefly for one
                           instead of starting another (HANEUL_SCALE_OUT_AFTER, default 2 x cores;
                           0 = start one per concurrent event, as Lambda)
  --scale-out-wait-ms <n>  how long they wait (HANEUL_SCALE_OUT_WAIT_MS, default 250)
  --ahead-depth <n>        meanwhile, events that may wait in a busy instance's channel when its
                           events take at most ${AHEAD_MAX_MS} ms; each starts the moment the one before
                           is answered (HANEUL_AHEAD_DEPTH, default ${AHEAD_DEPTH}, at most 16; 0 = none)
  --instance-nice <n>      CPU priority of function instances below the node's, as a nice
                           value 0-19 (HANEUL_INSTANCE_NICE, default 10; 0 = the same)
  --random-seed <n>        seed the draws behind alias weights and stage canaries, so that
                           traffic splits the same way on every run (HANEUL_RANDOM_SEED,
                           0-4294967295; default unseeded)
  --sandbox <mode>         instance sandbox (HANEUL_SANDBOX): auto (default) uses all this
                           machine allows and says at start what is off; strict refuses to
                           start without all of it; off gives instances a private /tmp only
  --sandbox-uids <a-b>     host uids of sandboxed instances when the node runs as root
                           (HANEUL_SANDBOX_UIDS, default 200000-265535; never 0)

Access keys: HANEUL_ACCESS_KEY_ID and HANEUL_SECRET_ACCESS_KEY (both or neither);
without them a key pair is generated in <data>/credentials on first start.
`;

/**
 * Reads `haneul server` options from `argv` (flags win) and `env`; throws ConfigError naming the bad flag.
 * @example loadServerConfig({ HANEUL_API_PORT: "4001" }, ["--region", "eu-west-1"]).apiPort // 4001
 */
export function loadServerConfig(env: Env, argv: readonly string[], cwd = process.cwd()): ServerConfig {
  const flags = parseFlags(argv);
  const pick = <N extends SettingName>(name: N): z.output<(typeof SETTINGS)[N]["schema"]> => {
    const s = SETTINGS[name];
    const fromFlag = flags[name];
    // An empty variable counts as unset, as shells make `X= cmd` easy to write by accident.
    const fromEnv = env[s.env] || undefined;
    const raw = fromFlag ?? fromEnv ?? s.fallback;
    const source = fromFlag !== undefined ? `--${name}` : fromEnv !== undefined ? s.env : `default of --${name}`;
    const parsed = s.schema.safeParse(raw.trim());
    if (!parsed.success) throw new ConfigError(`invalid ${source} '${raw}': ${describe(parsed.error)}`);
    return parsed.data as z.output<(typeof SETTINGS)[N]["schema"]>;
  };
  return Object.freeze({
    dataDir: resolve(cwd, pick("data")),
    apiHost: pick("api-host"),
    apiPort: pick("api-port"),
    gatewayHost: pick("host"),
    gatewayPort: pick("gateway-port"),
    region: pick("region"),
    accountId: pick("account-id"),
    accessKey: accessKeyFrom(env),
    concurrency: pick("concurrency"),
    idleTimeoutMs: pick("idle-timeout-ms"),
    spares: pick("spares"),
    scaleOutAfter: pick("scale-out-after"),
    scaleOutWaitMs: pick("scale-out-wait-ms"),
    aheadDepth: pick("ahead-depth"),
    instanceNice: pick("instance-nice"),
    randomSeed: pick("random-seed"),
    sandbox: pick("sandbox"),
    sandboxUids: Object.freeze(pick("sandbox-uids")),
  });
}

/** `loadServerConfig` over this process's environment (config is the only reader of process.env). */
export function loadServerConfigFromProcess(argv: readonly string[]): ServerConfig {
  return loadServerConfig(process.env, argv);
}

function parseFlags(argv: readonly string[]): Partial<Record<string, string>> {
  const options = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, { type: "string" as const }]));
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

function accessKeyFrom(env: Env): ServerConfig["accessKey"] {
  const id = env["HANEUL_ACCESS_KEY_ID"] || undefined;
  const secret = env["HANEUL_SECRET_ACCESS_KEY"] || undefined;
  if (id === undefined && secret === undefined) return undefined;
  if (id === undefined || secret === undefined) {
    throw new ConfigError("HANEUL_ACCESS_KEY_ID and HANEUL_SECRET_ACCESS_KEY must be set together");
  }
  const parsedId = accessKeyIdSchema.safeParse(id);
  if (!parsedId.success) throw new ConfigError(`invalid HANEUL_ACCESS_KEY_ID: ${describe(parsedId.error)}`);
  const parsedSecret = secretSchema.safeParse(secret);
  if (!parsedSecret.success) throw new ConfigError(`invalid HANEUL_SECRET_ACCESS_KEY: ${describe(parsedSecret.error)}`);
  return Object.freeze({ accessKeyId: parsedId.data, secretAccessKey: parsedSecret.data });
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join("; ");
}
