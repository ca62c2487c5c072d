/**
 * Schedule expressions as EventBridge rules and EventBridge Scheduler write them: `rate(n unit)`,
 * `cron(min hour day-of-month month day-of-week year)` and (Scheduler only) `at(yyyy-mm-ddThh:mm:ss)`.
 * Cron fields are AWS's (Quartz's): six fields with a year, `?`, `L`, `W`, `#`, names, ranges and
 * steps, day-of-week 1-7 from Sunday, in UTC unless a time zone is given (Scheduler). The calendar
 * arithmetic is croner's (ARCHITECTURE.md says why); this module only maps AWS's syntax onto it.
 */
import { Cron } from "croner";

/** A schedule expression AWS refuses. */
export class InvalidScheduleExpression extends Error {
  constructor(readonly expression: string) {
    super(`Parameter ScheduleExpression is not valid.`);
    this.name = "InvalidScheduleExpression";
  }
}

/** A parsed schedule: when it fires next after a given instant. */
export interface Schedule {
  readonly kind: "rate" | "cron" | "at";
  /** The first firing strictly after `afterMs`, or undefined when it never fires again. */
  nextAfter(afterMs: number): number | undefined;
}

export interface ScheduleOptions {
  /** IANA time zone for cron and at (Scheduler's ScheduleExpressionTimezone); default UTC. */
  readonly timezone?: string | undefined;
  /** Accept `at(...)` (Scheduler). */
  readonly allowAt?: boolean | undefined;
  /**
   * Where a rate counts from (the rule's creation or enabling): rates fire at anchor + k·period,
   * as AWS's rate rules do, not at wall-clock boundaries.
   */
  readonly anchorMs?: number | undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Parses an expression; throws InvalidScheduleExpression for anything AWS refuses. */
export function parseScheduleExpression(text: string, options: ScheduleOptions = {}): Schedule {
  const timezone = options.timezone ?? "UTC";
  if (!isTimeZone(timezone)) throw new InvalidScheduleExpression(text);
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) return rateSchedule(text, Number(rate[1]), rate[2]!, options.anchorMs ?? 0);
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return cronSchedule(text, cron[1]!, timezone);
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at && options.allowAt) return atSchedule(text, at.slice(1).map(Number), timezone);
  throw new InvalidScheduleExpression(text);
}

function rateSchedule(text: string, value: number, unit: string, anchorMs: number): Schedule {
  // AWS: "rate(1 minute)" but "rate(5 minutes)"; zero is refused.
  const singular = !unit.endsWith("s");
  if (value < 1 || (value === 1) !== singular) throw new InvalidScheduleExpression(text);
  const periodMs = value * UNIT_MS[singular ? unit : unit.slice(0, -1)]!;
  return {
    kind: "rate",
    nextAfter: (afterMs) => anchorMs + (Math.floor((afterMs - anchorMs) / periodMs) + 1) * periodMs,
  };
}

/** Day-of-week numbers are 1-7 (Sunday first) and `#` counts 1-5 (croner's Quartz mode also takes 0 and 8). */
function dayOfWeekInRange(field: string): boolean {
  return field.split(/[,\-/]/).every((part) => {
    const m = /^(\d+)(?:#(\d+)|L)?$/.exec(part);
    if (!m) return true;
    const day = Number(m[1]);
    return day >= 1 && day <= 7 && (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 5));
  });
}

/** AWS day-of-week `L` alone is the week's last day (Saturday, 7 from Sunday). */
function translateDayOfWeek(field: string): string {
  return field === "L" ? "7" : field;
}

function cronSchedule(text: string, body: string, timezone: string): Schedule {
  const fields = body.split(" ");
  if (fields.length !== 6 || fields.some((f) => f === "")) throw new InvalidScheduleExpression(text);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  // AWS: exactly one of day-of-month and day-of-week is `?`.
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) throw new InvalidScheduleExpression(text);
  if (/[^0-9A-Za-z*?,\-/#]/.test(body.replaceAll(" ", ""))) throw new InvalidScheduleExpression(text);
  if (!dayOfWeekInRange(dayOfWeek.replace(/\/\d+$/, ""))) throw new InvalidScheduleExpression(text);
  const pattern = ["0", minute, hour, dayOfMonth, month, translateDayOfWeek(dayOfWeek), year].join(" ");
  let cron: Cron;
  try {
    cron = new Cron(pattern, {
      mode: "7-part",
      alternativeWeekdays: true,
      sloppyRanges: true,
      timezone,
      paused: true,
    });
  } catch {
    throw new InvalidScheduleExpression(text);
  }
  if (!yearsWithinAwsRange(year)) throw new InvalidScheduleExpression(text);
  return {
    kind: "cron",
    nextAfter: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime(),
  };
}

function yearsWithinAwsRange(year: string): boolean {
  const numbers = year.match(/\d+/g) ?? [];
  return numbers.every((n, i) => (i > 0 && year.includes(`/${n}`)) || (Number(n) >= 1970 && Number(n) <= 2199));
}

function atSchedule(text: string, parts: number[], timezone: string): Schedule {
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new InvalidScheduleExpression(text);
  }
  const atMs = wallTimeToUtc(wall, timezone);
  return { kind: "at", nextAfter: (afterMs) => (atMs > afterMs ? atMs : undefined) };
}

/** True for a time zone this runtime knows (IANA names, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The UTC instant at which clocks in `timezone` show `wallMs` (a wall time written as if UTC). */
export function wallTimeToUtc(wallMs: number, timezone: string): number {
  const first = wallMs - offsetMs(wallMs, timezone);
  // Once more from the first guess: the offset may differ on the other side of a DST change.
  return wallMs - offsetMs(first, timezone);
}

function offsetMs(utcMs: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}
