/**
 * API Gateway's execution log, as TestInvokeMethod and TestInvokeAuthorizer return it: one line per
 * step, each stamped as Java's `Date.toString()` prints it (`Sun Dec 06 16:40:00 UTC 2026 : …`),
 * maps printed as Java's `{a=1, b=2}`.
 */
import type { Clock } from "../shared/clock.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Collects the lines of one test invocation (only test invocations make one: serving never logs so). */
export class ExecutionLog {
  readonly #clock: Clock;
  readonly #lines: string[];

  constructor(clock: Clock, requestId: string) {
    this.#clock = clock;
    this.#lines = [`Execution log for request ${requestId}`];
  }

  /** Adds one step, stamped with the current time. */
  add(text: string): void {
    this.#lines.push(`${javaDate(this.#clock.now())} : ${text}`);
  }

  /** The whole log, one line per step. */
  text(): string {
    return `${this.#lines.join("\n")}\n`;
  }
}

/** `{a=1, b=2}`: a map as API Gateway's log prints it. */
export function javaMap(m: Readonly<Record<string, unknown>> | undefined): string {
  if (!m) return "{}";
  return `{${Object.entries(m)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join(", ")}}`;
}

function javaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}
