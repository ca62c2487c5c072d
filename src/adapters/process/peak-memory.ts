import { readFileSync } from "node:fs";

/**
 * The peak resident memory of a live process in MiB (VmHWM in /proc/<pid>/status), or 0 where
 * /proc does not say. Read just before an instance is killed (a timeout), when no answer carried
 * the runtime's own measurement.
 */
export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.ceil(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
