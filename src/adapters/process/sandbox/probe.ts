import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { SANDBOX_GID, SANDBOX_UID } from "./bwrap-args.js";
import { systemEntries } from "./host-view.js";

/** What this machine allows, found once per process by running the tools. */
export interface MachineSupport {
  readonly linux: boolean;
  readonly root: boolean;
  /** Undefined when bubblewrap can build a sandbox (user namespaces), else why not. */
  readonly bwrap: string | undefined;
  /** Undefined when pasta can give it a network namespace, else why not. */
  readonly pasta: string | undefined;
}

/**
 * The command that runs the sandbox as `uid` (root) or as the node's own user. Either way it dies
 * with the node (SIGKILL on the node's death, however it dies), and bubblewrap's --die-with-parent
 * then takes everything inside with it.
 */
export function asUser(uid: number | undefined): string[] {
  if (uid === undefined) return ["setpriv", "--pdeathsig", "SIGKILL", "--"];
  // The kernel drops every capability on the switch away from uid 0; the bounding set goes too.
  const ids = [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--bounding-set=-all"];
  return ["setpriv", ...ids, "--pdeathsig", "SIGKILL", "--"];
}

/**
 * pasta: a user and network namespace with outbound connectivity; `ports` of the host's loopback
 * reachable inside at 127.0.0.1; `inbound`, a port of the host's loopback forwarded to the same
 * port inside (nothing else on the host reaches the namespace).
 */
export function pastaCommand(ports: readonly number[], inbound?: number): string[] {
  const forward = ports.length ? ports.join(",") : "none";
  const listen = inbound === undefined ? "none" : `127.0.0.1/${inbound}`;
  return ["pasta", "-q", "-f", "--config-net", "-t", listen, "-u", "none", "-T", forward, "-U", "none", "--"];
}

function bwrapProbe(): string[] {
  const system = systemEntries().flatMap((e) =>
    e.link === undefined ? ["--ro-bind", `/${e.name}`, `/${e.name}`] : ["--symlink", e.link, `/${e.name}`],
  );
  return [
    "bwrap",
    ...[
      "--unshare-user",
      "--uid",
      String(SANDBOX_UID),
      "--gid",
      String(SANDBOX_GID),
      "--disable-userns",
      "--unshare-pid",
    ],
    ...["--die-with-parent", "--ro-bind", "/usr", "/usr", ...system, "--proc", "/proc", "--dev", "/dev"],
    ...["--", "/usr/bin/true"],
  ];
}

function attempt(argv: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], timeout: 15_000 });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", (e) =>
      resolve((e as NodeJS.ErrnoException).code === "ENOENT" ? `${argv[0]} is not installed` : e.message),
    );
    child.on("exit", (code, signal) => {
      if (code === 0) return resolve(undefined);
      const line = err.split("\n").find((l) => l.trim() && !l.includes("syslog")) ?? `exit ${code ?? signal}`;
      resolve(line.trim());
    });
  });
}

function tunProblem(root: boolean): string | undefined {
  try {
    const st = statSync("/dev/net/tun");
    if (root && (st.mode & 0o006) !== 0o006) {
      return `/dev/net/tun is mode 0${(st.mode & 0o777).toString(8)}; the sandbox uids cannot open it (chmod 0666 /dev/net/tun)`;
    }
    return undefined;
  } catch {
    return "/dev/net/tun is missing (no tun module)";
  }
}

let probed: Promise<MachineSupport> | undefined;

/** Tries bubblewrap, then pasta around it, as the sandbox will run them (once per process). */
export function probeMachine(probeUid: number): Promise<MachineSupport> {
  probed ??= (async () => {
    const linux = process.platform === "linux";
    const root = linux && process.getuid?.() === 0;
    if (!linux) return { linux, root, bwrap: "not Linux", pasta: "not Linux" };
    const user = asUser(root ? probeUid : undefined);
    const bwrap = await attempt([...user, ...bwrapProbe()]);
    if (bwrap !== undefined) return { linux, root, bwrap: `bubblewrap: ${bwrap}`, pasta: "needs bubblewrap" };
    const tun = tunProblem(root);
    const pasta = tun ?? (await attempt([...user, ...pastaCommand([]), ...bwrapProbe()]));
    return {
      linux,
      root,
      bwrap: undefined,
      pasta: pasta === undefined ? undefined : `pasta: ${pasta.replace(/^pasta: /, "")}`,
    };
  })();
  return probed;
}
