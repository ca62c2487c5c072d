/** The protections of the instance sandbox, each on or off on this machine. */
export const PROTECTIONS = {
  namespaces: "bubblewrap: user, PID, mount, IPC and UTS namespaces, no capabilities, no_new_privs",
  uid: "an unprivileged host uid per instance",
  network: "network namespace (pasta)",
  seccomp: "seccomp filter",
  cgroups: "cgroup limits: memory, pids, CPU weight, freezer",
  spares: "spare processes inside the sandbox (code mounted at assignment)",
} as const;

export type ProtectionName = keyof typeof PROTECTIONS;

/** What the sandbox does on this machine: each protection, and why one is off. */
export interface SandboxReport {
  readonly mode: "auto" | "strict" | "off";
  /** Protection → undefined when on, else the reason it is off. */
  readonly off: Readonly<Partial<Record<ProtectionName, string>>>;
  /** Details of what is on (uid range, cgroup version). */
  readonly details: readonly string[];
}

/** The lines the node prints at start about its sandbox. */
export function describeSandbox(report: SandboxReport): string[] {
  if (report.mode === "off") return ["sandbox off (--sandbox off): instances get a private /tmp and nothing more"];
  const names = Object.keys(PROTECTIONS) as ProtectionName[];
  const on = names.filter((n) => report.off[n] === undefined);
  const off = names.filter((n) => report.off[n] !== undefined);
  const lines = [
    `sandbox ${off.length === 0 ? "on" : "partly on"}${report.details.length ? ` (${report.details.join(", ")})` : ""}`,
  ];
  if (on.length) lines.push(...on.map((n) => `  on:  ${PROTECTIONS[n]}`));
  if (off.length) lines.push(...off.map((n) => `  OFF: ${PROTECTIONS[n]}: ${report.off[n]}`));
  return lines;
}

/** Thrown when `--sandbox strict` finds a protection off. */
export class SandboxUnavailable extends Error {
  constructor(report: SandboxReport) {
    const off = Object.entries(report.off).map(([n, why]) => `${PROTECTIONS[n as ProtectionName]}: ${why}`);
    super(`--sandbox strict: protections unavailable on this machine: ${off.join("; ")}`);
    this.name = "SandboxUnavailable";
  }
}
