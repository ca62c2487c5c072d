/**
 * The bubblewrap command line of one instance: what its file system, identity and namespaces are.
 * Pure: every host path it binds is given as an open descriptor (fd numbers in `fds`), so that a
 * sandbox started under an unprivileged uid can bind directories that uid could not walk to.
 */

/** Inside the sandbox, as on Lambda. */
export const SANDBOX_PATHS = {
  taskRoot: "/var/task",
  runtimeRoot: "/var/runtime",
  /** The compiled haneul runtime (bootstrap.js and its modules). */
  runtimeDir: "/var/runtime/haneul",
  /** The bundled AWS SDKs. */
  nodeModules: "/var/runtime/node_modules",
  /** Where layers go (reserved: the directory exists and is empty). */
  layers: "/opt",
} as const;

/** Lambda's sandbox user (`sbx_user1051`). */
export const SANDBOX_UID = 993;
export const SANDBOX_GID = 990;

/** What the host must provide for one instance, as descriptors the sandbox command inherits. */
export interface BwrapFds {
  /** The seccomp BPF program, if seccomp is on. */
  readonly seccomp?: number | undefined;
  /** The code directory, or the empty slot a spare's code is mounted into later. */
  readonly task: number;
  /** The compiled runtime directory. */
  readonly runtime: number;
  /** Each bundled SDK package: descriptor and its path below node_modules. */
  readonly packages: readonly { readonly fd: number; readonly name: string }[];
  /** Generated files: /etc/passwd, /etc/group, /etc/hosts, /var/runtime/package.json. */
  readonly files: readonly { readonly fd: number; readonly path: string }[];
  /** Directories bound at their own path (the Node.js installation when it is not under /usr). */
  readonly samePath: readonly { readonly fd: number; readonly path: string }[];
}

export interface BwrapOptions {
  readonly fds: BwrapFds;
  /** Size of the private /tmp (EphemeralStorage), bytes. */
  readonly tmpBytes: number;
  /** The instance's environment (bwrap's own is cleared, so the sandbox's pid 1 holds nothing). */
  readonly env: Readonly<Record<string, string>>;
  /** Host top-level entries: symlinks are recreated (merged /usr), directories bound read-only. */
  readonly topLevel: readonly { readonly name: string; readonly link?: string | undefined }[];
  /** Host files and directories under /etc bound read-only where they exist. */
  readonly etc: readonly string[];
  readonly cwd: string;
}

/**
 * The options bwrap reads from `--args <fd>` (NUL-separated: the environment and paths never show
 * in the process list). The command follows `--` on bwrap's own command line.
 */
export function bwrapArgs(o: BwrapOptions): string[] {
  const a: string[] = [
    ...["--unshare-user", "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_GID), "--disable-userns"],
    ...["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"],
    ...["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"],
  ];
  for (const [k, v] of Object.entries(o.env)) a.push("--setenv", k, v);
  a.push("--ro-bind", "/usr", "/usr");
  for (const e of o.topLevel) {
    if (e.link !== undefined) a.push("--symlink", e.link, `/${e.name}`);
    else a.push("--ro-bind", `/${e.name}`, `/${e.name}`);
  }
  for (const path of o.etc) a.push("--ro-bind-try", path, path);
  a.push("--proc", "/proc", "--dev", "/dev");
  a.push("--size", String(o.tmpBytes), "--perms", "1777", "--tmpfs", "/tmp");
  a.push("--dir", "/var", "--ro-bind-fd", String(o.fds.task), SANDBOX_PATHS.taskRoot);
  a.push("--ro-bind-fd", String(o.fds.runtime), SANDBOX_PATHS.runtimeDir);
  for (const p of o.fds.packages) a.push("--ro-bind-fd", String(p.fd), `${SANDBOX_PATHS.nodeModules}/${p.name}`);
  for (const f of o.fds.files) a.push("--ro-bind-data", String(f.fd), f.path);
  for (const d of o.fds.samePath) a.push("--ro-bind-fd", String(d.fd), d.path);
  a.push("--dir", SANDBOX_PATHS.layers, "--chdir", o.cwd);
  if (o.fds.seccomp !== undefined) a.push("--seccomp", String(o.fds.seccomp));
  return a;
}
