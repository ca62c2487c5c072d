import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * System calls a function may not make (EPERM), in the spirit of the default profiles of Docker and
 * Podman: they need privileges an instance never has, reach past its namespaces (mounts, other
 * processes' memory, kernel modules, keys, BPF, performance counters, the clock), or are attack
 * surface no function needs (userfaultfd, io_uring, handles that open files by inode).
 */
export const DENIED_SYSCALLS = [
  // file systems and the mount table
  ["mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick"],
  ["mount_setattr", "open_by_handle_at", "name_to_handle_at", "quotactl", "quotactl_fd", "swapon", "swapoff"],
  // other processes
  ["ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd"],
  // namespaces of its own (clone with CLONE_NEW* flags is refused below)
  ["unshare", "setns"],
  // the kernel itself
  ["init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "bpf", "perf_event_open"],
  ["keyctl", "add_key", "request_key", "acct", "syslog", "lookup_dcookie", "vhangup", "iopl", "ioperm", "uselib"],
  ["userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "fanotify_init", "nfsservctl"],
  // the machine's clock and names
  ["settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname"],
].flat();

/** clone() flags that would create namespaces (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME). */
export const CLONE_NAMESPACE_FLAGS = [
  0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x00000080,
];

// libseccomp (Debian's python3-seccomp) compiles the rules: it knows every architecture's syscall
// numbers, checks the architecture first and kills any call made through another one (32-bit
// int 0x80 and x32 on x86_64). clone3 answers ENOSYS, as in Docker's profile: its flags sit in
// memory a filter cannot read, and glibc then falls back to clone, whose flags it can.
const GENERATOR = `
import errno, json, sys, seccomp
spec = json.load(sys.stdin)
f = seccomp.SyscallFilter(seccomp.ALLOW)
for name in spec["deny"]:
    try:
        f.add_rule(seccomp.ERRNO(errno.EPERM), name)
    except (ValueError, RuntimeError):
        pass  # not a system call of this architecture
for flag in spec["cloneFlags"]:
    f.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
f.export_bpf(sys.stdout)
`;

/** Interpreters tried in turn: Debian's own first (a pyenv or venv python3 lacks the module). */
const PYTHONS = ["/usr/bin/python3", "python3"];

/**
 * Compiles the instance seccomp filter to a BPF program (what `bwrap --seccomp` loads), or says why
 * it cannot: no python3 with the `seccomp` module (Debian: python3-seccomp).
 */
export async function compileSeccompFilter(): Promise<{ ok: true; bpf: Buffer } | { ok: false; reason: string }> {
  const input = JSON.stringify({ deny: DENIED_SYSCALLS, cloneFlags: CLONE_NAMESPACE_FLAGS });
  let reason = "python3 not found";
  for (const python of PYTHONS) {
    try {
      const bpf = await runWithInput(python, input);
      if (bpf.length > 0 && bpf.length % 8 === 0) return { ok: true, bpf };
      reason = `${python} produced no BPF program`;
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      if (err.code === "ENOENT") continue;
      const detail = err.stderr?.toString("utf8").trim().split("\n").at(-1) ?? err.message;
      reason = detail.includes("No module named 'seccomp'")
        ? "python3-seccomp (libseccomp's Python module) is not installed"
        : `${python}: ${detail}`;
    }
  }
  return { ok: false, reason };
}

async function runWithInput(python: string, input: string): Promise<Buffer> {
  const child = run(python, ["-c", GENERATOR], { encoding: "buffer", timeout: 20_000, maxBuffer: 1 << 20 });
  child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout;
}
