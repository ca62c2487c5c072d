import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { LIMITS } from "../domain/function-spec.js";
import { AHEAD_DEPTH, AHEAD_MAX_MS } from "../domain/handing-ahead.js";
import { parseOutboundAllow, type OutboundAllowEntry } from "../shared/outbound-policy.js";
import { runtimesSettings, type RuntimesSettings } from "./runtimes-dir.js";

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
  /** Regions besides `region` whose signatures the node accepts (--extra-regions). */
  readonly extraRegions: readonly string[];
  readonly accountId: string;
  /** The node's secret (HANEUL_NODE_SECRET); when absent one is generated in the data directory. */
  readonly nodeSecret?: string | undefined;
  /** Configured access key; when absent the node generates one in the data directory. */
  readonly accessKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Account concurrency limit (ConcurrentExecutions). */
  readonly concurrency: number;
  /** How long an idle instance is kept before it is reaped. */
  readonly idleTimeoutMs: number;
  /** Spare, code-less processes kept started for fast cold starts. */
  readonly spares: number;
  /** Burst smoothing: busy instances of a function before a new event waits for one (0 = off, Lambda's scale-out). */
  readonly scaleOutAfter: number;
  /** How long such an event waits for a busy instance before a new one starts. */
  readonly scaleOutWaitMs: number;
  /** Under burst smoothing, events that may wait in a busy instance's channel (0 = none). */
  readonly aheadDepth: number;
  /** Nice value of instance processes (0-19): the node keeps the CPU it needs under function load. */
  readonly instanceNice: number;
  /** The largest streamed response, in bytes (Lambda's quota: 200 MB). */
  readonly streamMaxBytes: number;
  /** Seed of the draws behind alias weights and stage canaries; absent = Math.random. */
  readonly randomSeed?: number | undefined;
  /** No line per gateway request and per invocation on stdout. */
  readonly quiet: boolean;
  /** Where Node.js majors other than the node's own are installed (HANEUL_RUNTIMES_DIR). */
  readonly runtimes: RuntimesSettings;
  /** How many times faster than real time the platform clock runs (1 = real time). */
  readonly timeScale: number;
  /** The instance sandbox: `auto` uses what the machine allows, `strict` refuses to start without all of it. */
  readonly sandbox: "auto" | "strict" | "off";
  /** Host uids sandboxed instances run as (the node running as root), first to last. */
  readonly sandboxUids: { readonly first: number; readonly last: number };
  /** Where state lives: SQLite in the data directory, or a PostgreSQL database shared by a cluster. */
  readonly store: StoreConfig;
  /** Cluster mode (PostgreSQL) timings and identity. */
  readonly cluster: ClusterConfig;
  /** Loopback/private targets a function's instance session may still configure (--outbound-allow). */
  readonly outboundAllow: readonly OutboundAllowEntry[];
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
const flag = () =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .transform((v) => v === "true" || v === "1" || v === "yes");
/** A 32-bit unsigned seed, or undefined when empty. */
const optionalSeed = () =>
  z
    .string()
    .regex(/^\d*$/, "must be a whole number from 0 to 4294967295")
    .transform((s) => (s === "" ? undefined : Number(s)))
    .refine((n) => n === undefined || n <= 0xffffffff, "must be a whole number from 0 to 4294967295");

/** The bounds of --time-scale: a day in under 9 s at the top, a tenth of real speed at the bottom. */
export const TIME_SCALE_MIN = 0.1;
export const TIME_SCALE_MAX = 10_000;
const TIME_SCALE_RULE = `must be a number from ${TIME_SCALE_MIN} to ${TIME_SCALE_MAX}`;
const timeScale = z
  .string()
  .regex(/^\d+(\.\d+)?$/, TIME_SCALE_RULE)
  .transform(Number)
  .refine((n) => n >= TIME_SCALE_MIN && n <= TIME_SCALE_MAX, TIME_SCALE_RULE);
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

/** `cidr|host:port,...` as allow-list entries. */
const outboundAllow = () =>
  z.string().transform((s, ctx) => {
    try {
      return parseOutboundAllow(s);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  });

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
  "extra-regions": {
    env: "HANEUL_EXTRA_REGIONS",
    schema: z
      .string()
      .regex(
        /^([a-z]{2}(-[a-z]+)+-\d+(,[a-z]{2}(-[a-z]+)+-\d+)*)?$/,
        "must be a comma-separated list like eu-west-1,us-west-2",
      ),
    fallback: "",
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
  "stream-max-bytes": {
    env: "HANEUL_STREAM_MAX_BYTES",
    schema: count(1024 * 1024).max(1024 * 1024 * 1024),
    fallback: String(LIMITS.streamedResponseBytes),
  },
  "random-seed": { env: "HANEUL_RANDOM_SEED", schema: optionalSeed(), fallback: "" },
  quiet: { env: "HANEUL_QUIET", schema: flag(), fallback: "false" },
  "time-scale": { env: "HANEUL_TIME_SCALE", schema: timeScale, fallback: "1" },
  sandbox: { env: "HANEUL_SANDBOX", schema: z.enum(["auto", "strict", "off"]), fallback: "auto" },
  "sandbox-uids": { env: "HANEUL_SANDBOX_UIDS", schema: uidRange(), fallback: "200000-265535" },
  "lease-ms": { env: "HANEUL_LEASE_MS", schema: count(500).max(600_000), fallback: "5000" },
  "catch-up-ms": { env: "HANEUL_CATCH_UP_MS", schema: count(50).max(600_000), fallback: "1000" },
  advertise: { env: "HANEUL_ADVERTISE", schema: z.string(), fallback: "" },
  "db-pool": { env: "HANEUL_DB_POOL", schema: count(2).max(1000), fallback: "10" },
  "outbound-allow": { env: "HANEUL_OUTBOUND_ALLOW", schema: outboundAllow(), fallback: "" },
} as const;

/** Settings given as bare flags (`--quiet`), true when present. */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(["quiet"]);

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
  --extra-regions <list>   other regions whose signatures are accepted, comma-separated
                           (HANEUL_EXTRA_REGIONS, default none)
  --account-id <12 digits> account id in ARNs (HANEUL_ACCOUNT_ID, default 000000000000)
  --concurrency <n>        account concurrency limit (HANEUL_CONCURRENCY, default 1000)
  --idle-timeout-ms <n>    idle instance lifetime (HANEUL_IDLE_TIMEOUT_MS, default 300000)
  --spares <n>             spare processes kept ready (HANEUL_SPARES, default 2)
  --scale-out-after <n>    busy instances of a function before new events wait briefly for one
                           instead of starting another (HANEUL_SCALE_OUT_AFTER, default 2 x cores;
                           0 = start one per concurrent event, as Lambda)
  --scale-out-wait-ms <n>  how long they wait (HANEUL_SCALE_OUT_WAIT_MS, default 250)
  --ahead-depth <n>        meanwhile, events that may wait in a busy instance's channel when its
                           events take at most ${AHEAD_MAX_MS} ms; each starts the moment the one before
                           is answered (HANEUL_AHEAD_DEPTH, default ${AHEAD_DEPTH}, at most 16; 0 = none)
  --instance-nice <n>      CPU priority of function instances below the node's, as a nice
                           value 0-19 (HANEUL_INSTANCE_NICE, default 10; 0 = the same)
  --stream-max-bytes <n>   the largest streamed response (HANEUL_STREAM_MAX_BYTES, 1 MiB to 1 GiB,
                           default ${LIMITS.streamedResponseBytes}: Lambda's 200 MB quota)
  --random-seed <n>        seed the draws behind alias weights and stage canaries, so that
                           traffic splits the same way on every run (HANEUL_RANDOM_SEED,
                           0-4294967295; default unseeded)
  --quiet                  no line per gateway request and per invocation (HANEUL_QUIET=1)
  --time-scale <n>         run the platform's own timers n times faster than real time: idle
                           reaping, retries and other schedules (HANEUL_TIME_SCALE, ${TIME_SCALE_MIN}-${TIME_SCALE_MAX},
                           default 1); function timeouts, the gateway's integration timeout and
                           signatures keep real time
  --sandbox <mode>         instance sandbox (HANEUL_SANDBOX): auto (default) uses all this
                           machine allows and says at start what is off; strict refuses to
                           start without all of it; off gives instances a private /tmp only
  --sandbox-uids <a-b>     host uids of sandboxed instances when the node runs as root
                           (HANEUL_SANDBOX_UIDS, default 200000-265535; never 0)
  --store <sqlite|url>     where state lives: sqlite (default, <data>/haneul.db) or a PostgreSQL
                           URL postgres://user:password@host:5432/database, which several nodes
                           may share (HANEUL_STORE, else DATABASE_URL)
  --outbound-allow <list>  loopback or private targets (CIDR blocks, host:port), comma-separated,
                           that code running in a function may point SNS HTTP subscriptions and
                           HTTP integrations at (HANEUL_OUTBOUND_ALLOW, default none); the node's
                           own ports and link-local addresses are never allowed

Cluster mode (--store postgres://...):
  --lease-ms <n>           a node that stops renewing loses its leadership, claimed events and
                           concurrency slots after this long (HANEUL_LEASE_MS, default 5000)
  --catch-up-ms <n>        re-read the change log this often, in case a notification was
                           missed (HANEUL_CATCH_UP_MS, default 1000)
  --advertise <host:port>  this node's gateway address as other nodes and 'haneul nodes' show
                           it (HANEUL_ADVERTISE, default <hostname>:<gateway port>)
  --db-pool <n>            connections kept to the database (HANEUL_DB_POOL, default 10)

Node.js runtimes other than this Node.js's major (nodejs22.x on Node.js 20, say) are fetched once
from the npm registry into HANEUL_RUNTIMES_DIR (default ~/.cache/haneul/runtimes); see
'haneul runtimes'.

Access keys: HANEUL_ACCESS_KEY_ID and HANEUL_SECRET_ACCESS_KEY (both or neither);
without them a key pair is generated in <data>/credentials on first start.
HANEUL_NODE_SECRET: the secret that seals stored keys and derives instance keys; without it
one is generated in <data>/node-secret (nodes sharing one database take the first node's, kept
in the database; a configured one must match the database's or the node refuses to start).
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
    extraRegions: pick("extra-regions")
      .split(",")
      .filter((r) => r !== ""),
    accountId: pick("account-id"),
    nodeSecret: nodeSecretFrom(env),
    accessKey: accessKeyFrom(env),
    concurrency: pick("concurrency"),
    idleTimeoutMs: pick("idle-timeout-ms"),
    spares: pick("spares"),
    scaleOutAfter: pick("scale-out-after"),
    scaleOutWaitMs: pick("scale-out-wait-ms"),
    aheadDepth: pick("ahead-depth"),
    instanceNice: pick("instance-nice"),
    streamMaxBytes: pick("stream-max-bytes"),
    randomSeed: pick("random-seed"),
    quiet: pick("quiet"),
    runtimes: runtimesSettings(env, cwd),
    timeScale: pick("time-scale"),
    sandbox: pick("sandbox"),
    sandboxUids: Object.freeze(pick("sandbox-uids")),
    store,
    cluster: Object.freeze({
      leaseMs: pick("lease-ms"),
      catchUpMs: pick("catch-up-ms"),
      advertise: pick("advertise") || undefined,
      poolSize: pick("db-pool"),
    }),
    outboundAllow: Object.freeze(pick("outbound-allow")),
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
  const options = Object.fromEntries(
    names.map((k) => [k, { type: BOOLEAN_FLAGS.has(k) ? ("boolean" as const) : ("string" as const) }]),
  );
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
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

function nodeSecretFrom(env: Env): string | undefined {
  const secret = env["HANEUL_NODE_SECRET"] || undefined;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError("HANEUL_NODE_SECRET must be at least 16 characters");
  return secret;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join("; ");
}
