import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** /etc entries a function may need (name service, TLS roots, locale, linker); nothing else of /etc. */
export const ETC_ENTRIES = [
  "/etc/resolv.conf",
  "/etc/nsswitch.conf",
  "/etc/host.conf",
  "/etc/gai.conf",
  "/etc/protocols",
  "/etc/services",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/pki",
  "/etc/alternatives",
  "/etc/localtime",
  "/etc/mime.types",
  "/etc/os-release",
] as const;

/** Top-level directories of the host's system, bound read-only (or re-created links, on merged /usr). */
const SYSTEM_ENTRIES = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

/** The name a function uses for the node's own machine (as `host.docker.internal` under Docker). */
export const HOST_ALIAS = "host.haneul.internal";

/** The host's top-level system entries as the sandbox re-creates them. */
export function systemEntries(): { name: string; link?: string | undefined }[] {
  const out: { name: string; link?: string | undefined }[] = [];
  for (const name of SYSTEM_ENTRIES) {
    const path = `/${name}`;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) out.push({ name, link: readlinkSync(path) });
    else if (st.isDirectory()) out.push({ name });
  }
  return out;
}

/**
 * The installation directory of the Node.js binary when it is not under /usr (nvm, a tarball,
 * the npm `node` package), which the sandbox then binds at its own path; undefined under /usr.
 */
export function nodeInstallDir(execPath: string): string | undefined {
  const real = realpathSync(execPath);
  if (real.startsWith("/usr/")) return undefined;
  return dirname(dirname(real));
}

/** An SDK package to bind: its directory on the host and its path below node_modules. */
export interface SdkPackage {
  readonly dir: string;
  readonly name: string;
}

function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The bundled SDK packages and everything they depend on, as Node would resolve them from
 * `installDir`: only these of the node's installation are visible inside an instance.
 */
export function sdkClosure(installDir: string, roots: readonly string[]): SdkPackage[] {
  const found = new Map<string, string>();
  const visit = (name: string, from: string): void => {
    const dir = packageDir(name, from);
    if (!dir || found.has(dir)) return;
    found.set(dir, name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
  };
  for (const root of roots) visit(root, installDir);
  if (found.size === 0) return [];
  const top = realpathSync(join(installDir, "node_modules"));
  const dirs = [...found.keys()];
  // A package nested in another's node_modules comes with its parent's directory.
  return dirs
    .filter((d) => !dirs.some((p) => p !== d && d.startsWith(p + sep)))
    .filter((d) => d.startsWith(top + sep))
    .map((dir) => ({ dir, name: relative(top, dir) }));
}

/** The host's IPv4 default gateway (pasta maps it to the host's loopback inside), from /proc/net/route. */
export function defaultGateway(): string | undefined {
  let table: string;
  try {
    table = readFileSync("/proc/net/route", "utf8");
  } catch {
    return undefined;
  }
  for (const line of table.split("\n").slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination !== "00000000" || !gateway || gateway === "00000000") continue;
    const n = Number.parseInt(gateway, 16);
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join(".");
  }
  return undefined;
}

/** The generated files of the sandbox's /etc and /var/runtime. */
export function generatedFiles(gateway: string | undefined): { path: string; content: string }[] {
  const hosts = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"];
  if (gateway) hosts.push(`${gateway}\t${HOST_ALIAS}`);
  return [
    {
      path: "/etc/passwd",
      content:
        "root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/tmp:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n",
    },
    { path: "/etc/group", content: "root:x:0:\nsbx_user1051:x:990:\nnogroup:x:65534:\n" },
    { path: "/etc/hosts", content: `${hosts.join("\n")}\n` },
    // The runtime is ES modules; user code under /var/task has no package.json above it (CommonJS).
    { path: "/var/runtime/package.json", content: '{ "type": "module" }\n' },
  ];
}

/** Directory names in `dir`, or none. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
