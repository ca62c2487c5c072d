/**
 * Where the node may send a request a caller chose (an SNS HTTP/HTTPS subscription, an API
 * Gateway HTTP or HTTP_PROXY integration): never to its own API and gateway ports on a local
 * address, never to a link-local (metadata) address; and, for a configuration made by a
 * function's instance session, never to a loopback, private or unspecified address unless the
 * operator allow-listed it. Names are resolved once, every address is checked, and the request
 * is made to the checked address (a `lookup` pinned to it), so a DNS change cannot slip past.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

/** One `--outbound-allow` entry: a CIDR block (any port), or one `host:port`. */
export type OutboundAllowEntry =
  | { readonly kind: "cidr"; readonly network: string; readonly prefix: number; readonly family: "ipv4" | "ipv6" }
  | { readonly kind: "host-port"; readonly host: string; readonly port: number };

/** What the policy is built from. */
export interface OutboundPolicyOptions {
  /** The node's own listening ports (control API, gateway); more may be added once they are known. */
  readonly ownPorts: readonly number[];
  readonly allow: readonly OutboundAllowEntry[];
}

/** Who configured the target: `session` (a function's instance) gets the strict rules. */
export type OutboundCaller = "session" | "user";

/** A target the policy allows, with the address to connect to. */
export interface CheckedTarget {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Parses `cidr|host:port,...`; throws an Error naming the bad entry. */
export function parseOutboundAllow(list: string): OutboundAllowEntry[] {
  return list
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")
    .map(parseEntry);
}

function parseEntry(entry: string): OutboundAllowEntry {
  const slash = entry.lastIndexOf("/");
  if (slash > 0) {
    const network = entry.slice(0, slash);
    const prefix = Number(entry.slice(slash + 1));
    const family = isIP(network);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || !/^\d+$/.test(entry.slice(slash + 1)) || prefix > max) {
      throw new Error(`'${entry}' is neither a CIDR block (10.1.0.0/16) nor host:port`);
    }
    return { kind: "cidr", network, prefix, family: family === 4 ? "ipv4" : "ipv6" };
  }
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(entry);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new Error(`'${entry}' is neither a CIDR block (10.1.0.0/16) nor host:port`);
  return { kind: "host-port", host: bare(m[1] as string).toLowerCase(), port };
}

/** Link-local and metadata addresses: refused for every caller. */
const ALWAYS = new BlockList();
ALWAYS.addSubnet("169.254.0.0", 16, "ipv4");
ALWAYS.addSubnet("fe80::", 10, "ipv6");

/** Loopback, private and unspecified addresses: refused for instance sessions unless allow-listed. */
const INTERNAL = new BlockList();
INTERNAL.addSubnet("127.0.0.0", 8, "ipv4");
INTERNAL.addSubnet("10.0.0.0", 8, "ipv4");
INTERNAL.addSubnet("172.16.0.0", 12, "ipv4");
INTERNAL.addSubnet("192.168.0.0", 16, "ipv4");
INTERNAL.addSubnet("0.0.0.0", 8, "ipv4");
INTERNAL.addAddress("::1", "ipv6");
INTERNAL.addAddress("::", "ipv6");
INTERNAL.addSubnet("fc00::", 7, "ipv6");

/** The outbound policy of one node. */
export class OutboundPolicy {
  readonly #ownPorts = new Set<number>();
  readonly #allowed = new BlockList();
  readonly #allowedHostPorts: ReadonlySet<string>;
  readonly #local: ReadonlySet<string>;

  constructor(o: OutboundPolicyOptions) {
    this.addOwnPorts(o.ownPorts);
    const hostPorts = new Set<string>();
    for (const e of o.allow) {
      if (e.kind === "cidr") this.#allowed.addSubnet(e.network, e.prefix, e.family);
      else hostPorts.add(`${e.host}:${e.port}`);
    }
    this.#allowedHostPorts = hostPorts;
    // The host's own addresses reach the node's ports as loopback does.
    const local = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) local.add(plain(a.address.split("%")[0] as string));
    }
    this.#local = local;
  }

  /** Adds the ports the node listens on (known once it listens: the OS may choose them). */
  addOwnPorts(ports: readonly number[]): void {
    for (const p of ports) if (p > 0) this.#ownPorts.add(p);
  }

  /** Why the node must not send to `address:port` for this caller; undefined when it may. */
  refusal(
    t: { readonly host: string; readonly address: string; readonly port: number },
    caller: OutboundCaller,
  ): string | undefined {
    const address = plain(t.address);
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    const internal = INTERNAL.check(address, family);
    if (this.#ownPorts.has(t.port) && (internal || this.#local.has(address))) {
      return `${address}:${t.port} is this node's own port`;
    }
    if (ALWAYS.check(address, family)) return `${address} is a link-local (metadata) address`;
    if (caller === "user" || !internal) return undefined;
    if (this.#allowed.check(address, family)) return undefined;
    const host = bare(t.host).toLowerCase();
    if (this.#allowedHostPorts.has(`${host}:${t.port}`) || this.#allowedHostPorts.has(`${address}:${t.port}`)) {
      return undefined;
    }
    return `${address} is a loopback, private or unspecified address`;
  }

  /** Resolves the URL's host and checks every address; answers the one to connect to, or why not. */
  async check(
    url: URL,
    caller: OutboundCaller,
  ): Promise<CheckedTarget | { readonly refused: string; readonly unresolved?: true }> {
    const host = bare(url.hostname);
    const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    let addresses: LookupAddress[];
    try {
      addresses = await lookupAll(host);
    } catch {
      return { refused: `${host} does not resolve`, unresolved: true };
    }
    if (addresses.length === 0) return { refused: `${host} does not resolve`, unresolved: true };
    for (const a of addresses) {
      const why = this.refusal({ host, address: a.address, port }, caller);
      if (why !== undefined) return { refused: why };
    }
    const first = addresses[0] as LookupAddress;
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }
}

/** A `lookup` for node:http that answers only the checked address (no second resolution). */
export function pinnedLookup(target: CheckedTarget) {
  return (
    _host: string,
    options: { all?: boolean },
    cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (options.all) cb(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

/** `[::1]` → `::1`. */
function bare(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) as the IPv4 address it is. */
function plain(address: string): string {
  const a = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) return dotted[1] as string;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex) {
    const hi = parseInt(hex[1] as string, 16);
    const lo = parseInt(hex[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return address;
}
