import { PlatformError } from "../../shared/errors.js";

/** Error codes of Node's sockets and resolver that mean the server could not be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOENT",
]);

/** SQLSTATEs that mean the server is going away, starting or full, not that the statement is wrong. */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "53100", "58030"]);

/** What pg's errors carry besides the message. */
interface PgErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as PgErrorFields | null)?.code;
  return typeof code === "string" ? code : undefined;
};

const messageOf = (e: unknown): string => {
  const message = (e as PgErrorFields | null)?.message;
  return typeof message === "string" ? message : String(e);
};

/**
 * True when `e` says the database cannot be reached right now (down, restarting, network, pool
 * timeout), as opposed to a statement the database refused.
 */
export function isUnavailable(e: unknown): boolean {
  const code = codeOf(e);
  if (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08"))) {
    return true;
  }
  const message = messageOf(e);
  return /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended|the database system is/i.test(
    message,
  );
}

/** The platform error a request gets while the database cannot be reached (ServiceException). */
export function storeUnavailable(cause: unknown): PlatformError {
  const error = new PlatformError(
    "ERR_STORE_UNAVAILABLE",
    "The service is temporarily unavailable: its database cannot be reached. Retry the request.",
  );
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** Rethrows `e`, as ERR_STORE_UNAVAILABLE when the database could not be reached. */
export function rethrow(e: unknown): never {
  throw isUnavailable(e) ? storeUnavailable(e) : e;
}

interface Target {
  readonly user: string;
  /** `host:port`, or the socket directory and port. */
  readonly where: string;
  readonly database: string;
}

/** The parts of a connection string that name its target (also libpq's forms WHATWG URLs refuse). */
function targetOf(url: string): Target | undefined {
  const m = /^postgres(?:ql)?:\/\/(?:([^@/]*)@)?([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!m) return undefined;
  const [, userinfo = "", hostport = "", db = "", query = ""] = m;
  const params = new URLSearchParams(query);
  const hp = /^(.*):(\d+)$/.exec(hostport);
  const host = params.get("host") ?? ((hp ? hp[1] : hostport) || "localhost");
  const port = params.get("port") ?? ((hp ? hp[2] : "") || "5432");
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  return {
    user: decode(userinfo.split(":")[0] ?? "") || params.get("user") || "(default user)",
    where: `${host}:${port}`,
    database: decode(db) || "(default database)",
  };
}

/** Where a connection string points, without its password: `user@host:port/database`. */
export function describeTarget(url: string): string {
  const t = targetOf(url);
  return t ? `${t.user}@${t.where}/${t.database}` : "(unparsable URL)";
}

/**
 * One line naming what failed when a node cannot open its database: the address, the user, the
 * database, with PostgreSQL's own reason.
 */
export function describeConnectFailure(e: unknown, url: string): string {
  const target = describeTarget(url);
  const t = targetOf(url);
  const user = t?.user ?? "";
  const host = t?.where ?? "(unparsable URL)";
  const message = messageOf(e);
  switch (codeOf(e) ?? "") {
    case "28P01":
      return `PostgreSQL at ${host} refused the password of user "${user}" (${message})`;
    case "28000":
      return `PostgreSQL at ${host} does not let user "${user}" connect: ${message}`;
    case "3D000":
      return `PostgreSQL at ${host}: ${message}`;
    case "ECONNREFUSED":
      return `cannot connect to PostgreSQL at ${host}: connection refused (is the server running and listening there?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the PostgreSQL host of ${target}: ${message}`;
    case "ENOENT":
      return `cannot connect to PostgreSQL at ${host}: no server socket there (${message})`;
    case "57P03":
      return `PostgreSQL at ${host} is starting up or shutting down: ${message}`;
    case "53300":
      return `PostgreSQL at ${host} has no free connection: ${message}`;
    default:
      if (/timeout/i.test(message)) return `PostgreSQL at ${host} did not answer in time (${message})`;
      return `cannot open PostgreSQL database ${target}: ${message}`;
  }
}
