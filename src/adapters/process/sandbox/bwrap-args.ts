/** The bubblewrap command line of one instance: what its file system, identity and namespaces are. */

/** Inside the sandbox, as on Lambda. */
export const SANDBOX_PATHS = {
  taskRoot: "/var/task",
  runtimeRoot: "/var/runtime",
  /**
   * The compiled haneul runtime (bootstrap.js and its modules), and beside it, as in the
   * installation, the frame protocol it imports (`../../protocol/frames.js`).
   */
  runtimeDir: "/var/runtime/haneul/runtime/src",
  protocolDir: "/var/runtime/haneul/protocol",
  /** The bundled AWS SDKs. */
  nodeModules: "/var/runtime/node_modules",
  /** Where a function's layers are (merged in order, read-only). */
  layers: "/opt",
  /** A layer's node_modules, on NODE_PATH as on Lambda. */
  layerNodeModules: "/opt/nodejs/node_modules",
} as const;

/** Lambda's sandbox user (`sbx_user1051`). */
export const SANDBOX_UID = 993;
export const SANDBOX_GID = 990;

/** What the host provides for one instance: paths bubblewrap binds, and descriptors it reads. */
export interface BwrapSources {
  /** The seccomp BPF program (a descriptor), if seccomp is on. */
  readonly seccomp?: number | undefined;
  /** The code directory, or the empty slot a spare's code is mounted onto later. */
  readonly task: string;
  /** The function's merged layers, bound read-only at /opt; an empty /opt without. */
  readonly opt?: string | undefined;
  /** The compiled runtime directory. */
  readonly runtime: string;
  /** The compiled frame protocol directory. */
  readonly protocol: string;
  /** Each bundled SDK package: where it is and its path below node_modules. */
  readonly packages: readonly { readonly source: string; readonly name: string }[];
  /** Generated files (descriptors to read): /etc/passwd, /etc/group, /etc/hosts, /var/runtime/package.json. */
  readonly files: readonly { readonly fd: number; readonly path: string }[];
  /** Directories bound at a path of their own (the Node.js installation when it is not under /usr). */
  readonly samePath: readonly { readonly source: string; readonly path: string }[];
}

export interface BwrapOptions {
  readonly sources: BwrapSources;
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
  const src = o.sources;
  a.push("--dir", "/var", "--ro-bind", src.task, SANDBOX_PATHS.taskRoot);
  a.push("--ro-bind", src.runtime, SANDBOX_PATHS.runtimeDir);
  a.push("--ro-bind", src.protocol, SANDBOX_PATHS.protocolDir);
  for (const p of src.packages) a.push("--ro-bind", p.source, `${SANDBOX_PATHS.nodeModules}/${p.name}`);
  for (const f of src.files) a.push("--ro-bind-data", String(f.fd), f.path);
  if (src.opt !== undefined) a.push("--ro-bind", src.opt, SANDBOX_PATHS.layers);
  else a.push("--dir", SANDBOX_PATHS.layers);
  for (const d of src.samePath) a.push("--ro-bind", d.source, d.path);
  // Nothing of the sandbox's own root is writable either (as on Lambda: only /tmp is).
  a.push("--remount-ro", "/");
  a.push("--chdir", o.cwd);
  if (src.seccomp !== undefined) a.push("--seccomp", String(src.seccomp));
  return a;
}
