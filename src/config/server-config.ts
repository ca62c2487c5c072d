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
  /** Where state lives: SQLite in the data directory, or a PostgreSQL database shared by a cluster. */
  readonly store: StoreConfig;
  /** Cluster mode (PostgreSQL) timings and identity. */
  readonly cluster: ClusterConfig;
}

/** The store: `sqlite` (default, `<data>/haneul.db`) or PostgreSQL at `url`. */
export type StoreConfig = { readonly kind: "sqlite" } | { readonly kind: "postgres"; readonly url: string };

/** Settings that matter when several nodes share one PostgreSQL database. */
export interface ClusterConfig {
  /**
   * Lease time: a node that stops renewing (killed, cut off) loses its node entry, its leadership,
   * its claimed events and its concurrency slots this long after its last renewal.
   */
  readonly leaseMs: number;
  /** How often a node re-reads the change log, in case a notification was missed. */
  readonly catchUpMs: number;
  /**
   * How other nodes and the operator reach this node's gateway (`host:port`), listed by `haneul
   * nodes`; undefined: this machine's host name and the gateway's port.
   */
  readonly advertise: string | undefined;
  /** Connections this node keeps to the database. */
  readonly poolSize: number;
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
  "lease-ms": { env: "HANEUL_LEASE_MS", schema: count(500).max(600_000), fallback: "5000" },
  "catch-up-ms": { env: "HANEUL_CATCH_UP_MS", schema: count(50).max(600_000), fallback: "1000" },
  advertise: { env: "HANEUL_ADVERTISE", schema: z.string(), fallback: "" },
  "db-pool": { env: "HANEUL_DB_POOL", schema: count(2).max(1000), fallback: "10" },
} as const;

/** The flag and variables of the store setting (not in SETTINGS: it has two variables and a secret). */
const STORE_FLAG = "store";

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
  --store <sqlite|url>     where state lives: sqlite (default, <data>/haneul.db) or a PostgreSQL
                           URL postgres://user:password@host:5432/database, which several nodes
                           may share (HANEUL_STORE, else DATABASE_URL)

Cluster mode (--store postgres://...):
  --lease-ms <n>           a node that stops renewing loses its leadership, claimed events and
                           concurrency slots after this long (HANEUL_LEASE_MS, default 5000)
  --catch-up-ms <n>        re-read the change log this often, in case a notification was
                           missed (HANEUL_CATCH_UP_MS, default 1000)
  --advertise <host:port>  this node's gateway address as other nodes and 'haneul nodes' show
                           it (HANEUL_ADVERTISE, default <hostname>:<gateway port>)
  --db-pool <n>            connections kept to the database (HANEUL_DB_POOL, default 10)

Access keys: HANEUL_ACCESS_KEY_ID and HANEUL_SECRET_ACCESS_KEY (both or neither);
without them a key pair is generated in <data>/credentials on first start.
`;

/**
 * Reads `haneul server` options from `argv` (flags win) and `env`; throws ConfigError naming the bad flag.
 * @example loadServerConfig({ HANEUL_API_PORT: "4001" }, ["--region", "eu-west-1"]).apiPort // 4001
 */
export function loadServerConfig(env: Env, argv: readonly string[], cwd = process.cwd()): ServerConfig {
  const flags = parseFlags(argv);
  const store = storeFrom(flags[STORE_FLAG], env);
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
    store,
    cluster: Object.freeze({
      leaseMs: pick("lease-ms"),
      catchUpMs: pick("catch-up-ms"),
      advertise: pick("advertise") || undefined,
      poolSize: pick("db-pool"),
    }),
  });
}

/**
 * `--store`, else HANEUL_STORE, else DATABASE_URL, else sqlite. Messages never show the password.
 * @example storeFrom(undefined, { DATABASE_URL: "postgres://u:p@db/haneul" }) // { kind: "postgres", url: … }
 */
function storeFrom(flag: string | undefined, env: Env): StoreConfig {
  const fromEnv = env["HANEUL_STORE"] || undefined;
  const fromUrl = env["DATABASE_URL"] || undefined;
  const raw = (flag ?? fromEnv ?? fromUrl ?? "sqlite").trim();
  const source = flag !== undefined ? "--store" : fromEnv !== undefined ? "HANEUL_STORE" : "DATABASE_URL";
  if (raw === "sqlite") return Object.freeze({ kind: "sqlite" });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // libpq's forms that WHATWG URLs refuse (`postgres://user@/db?host=/socket/dir`) are left to pg.
    if (/^postgres(ql)?:\/\/[^\s]*$/.test(raw)) return Object.freeze({ kind: "postgres", url: raw });
    throw new ConfigError(`invalid ${source}: must be sqlite or a URL postgres://user:password@host:port/database`);
  }
  const shown = redactedUrl(url);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(
      `invalid ${source} '${shown}': only sqlite and postgres:// (postgresql://) URLs are supported`,
    );
  }
  if (url.hostname === "" && !url.searchParams.has("host")) {
    throw new ConfigError(`invalid ${source} '${shown}': no host (postgres://user:password@host:port/database)`);
  }
  if (url.pathname.length <= 1) {
    throw new ConfigError(
      `invalid ${source} '${shown}': no database name (postgres://user:password@host:port/database)`,
    );
  }
  return Object.freeze({ kind: "postgres", url: raw });
}

/** `url` with its password replaced by `***`. */
function redactedUrl(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password !== "") copy.password = "***";
  return copy.toString();
}

/** `loadServerConfig` over this process's environment (config is the only reader of process.env). */
export function loadServerConfigFromProcess(argv: readonly string[]): ServerConfig {
  return loadServerConfig(process.env, argv);
}

function parseFlags(argv: readonly string[]): Partial<Record<string, string>> {
  const names = [...Object.keys(SETTINGS), STORE_FLAG];
  const options = Object.fromEntries(names.map((k) => [k, { type: "string" as const }]));
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
