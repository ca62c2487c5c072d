import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidScheduleExpression, parseScheduleExpression, type ScheduleOptions } from "./index.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Expression, after, the next firings expected (UTC unless a time zone is given). */
const FIRINGS: [string, string, string[], ScheduleOptions?][] = [
  ["cron(0 10 * * ? *)", "2024-01-01T00:00:00Z", ["2024-01-01T10:00:00.000Z", "2024-01-02T10:00:00.000Z"]],
  ["cron(15 12 * * ? *)", "2024-01-01T12:15:00Z", ["2024-01-02T12:15:00.000Z"]],
  ["cron(0 18 ? * MON-FRI *)", "2024-01-05T18:00:00Z", ["2024-01-08T18:00:00.000Z", "2024-01-09T18:00:00.000Z"]],
  ["cron(0 18 ? * 2-6 *)", "2024-01-05T18:00:00Z", ["2024-01-08T18:00:00.000Z"]],
  ["cron(0 8 1 * ? *)", "2024-01-15T00:00:00Z", ["2024-02-01T08:00:00.000Z", "2024-03-01T08:00:00.000Z"]],
  ["cron(0/15 * * * ? *)", "2024-01-01T00:07:00Z", ["2024-01-01T00:15:00.000Z", "2024-01-01T00:30:00.000Z"]],
  ["cron(*/20 * * * ? *)", "2024-01-01T00:41:00Z", ["2024-01-01T01:00:00.000Z"]],
  ["cron(0/10 * ? * MON-FRI *)", "2024-01-06T12:00:00Z", ["2024-01-08T00:00:00.000Z", "2024-01-08T00:10:00.000Z"]],
  ["cron(5,35 14 * * ? *)", "2024-01-01T14:06:00Z", ["2024-01-01T14:35:00.000Z", "2024-01-02T14:05:00.000Z"]],
  [
    "cron(0 9-11 ? * SUN *)",
    "2024-01-07T09:30:00Z",
    ["2024-01-07T10:00:00.000Z", "2024-01-07T11:00:00.000Z", "2024-01-14T09:00:00.000Z"],
  ],
  ["cron(0 0 1 JAN,JUL ? *)", "2024-01-02T00:00:00Z", ["2024-07-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"]],
  // L: the last day of the month (a leap February), the last Friday (6L), Saturday (L alone).
  ["cron(0 0 L * ? *)", "2024-02-01T00:00:00Z", ["2024-02-29T00:00:00.000Z", "2024-03-31T00:00:00.000Z"]],
  ["cron(0 0 L * ? *)", "2023-02-01T00:00:00Z", ["2023-02-28T00:00:00.000Z"]],
  ["cron(15 10 ? * 6L 2022-2025)", "2024-01-01T00:00:00Z", ["2024-01-26T10:15:00.000Z", "2024-02-23T10:15:00.000Z"]],
  ["cron(0 0 ? * L *)", "2024-01-01T00:00:00Z", ["2024-01-06T00:00:00.000Z", "2024-01-13T00:00:00.000Z"]],
  // #: the first Monday, the third Friday.
  ["cron(0 9 ? * 2#1 *)", "2024-01-02T00:00:00Z", ["2024-02-05T09:00:00.000Z", "2024-03-04T09:00:00.000Z"]],
  ["cron(0 12 ? * 6#3 *)", "2024-03-01T00:00:00Z", ["2024-03-15T12:00:00.000Z", "2024-04-19T12:00:00.000Z"]],
  // W: the weekday nearest the 15th (Saturday → Friday, Sunday → Monday); 1W never leaves its month.
  ["cron(0 9 15W * ? *)", "2024-06-01T00:00:00Z", ["2024-06-14T09:00:00.000Z", "2024-07-15T09:00:00.000Z"]],
  ["cron(0 9 15W * ? *)", "2024-09-01T00:00:00Z", ["2024-09-16T09:00:00.000Z"]],
  ["cron(0 9 1W * ? *)", "2024-05-31T12:00:00Z", ["2024-06-03T09:00:00.000Z"]],
  // The year field ends the schedule.
  ["cron(0 0 1 1 ? 2030)", "2024-05-31T12:00:00Z", ["2030-01-01T00:00:00.000Z"]],
  // Scheduler's time zones: 09:00 in New York is 14:00 UTC in winter, 13:00 UTC in summer.
  ["cron(0 9 * * ? *)", "2024-01-01T00:00:00Z", ["2024-01-01T14:00:00.000Z"], { timezone: "America/New_York" }],
  ["cron(0 9 * * ? *)", "2024-07-01T00:00:00Z", ["2024-07-01T13:00:00.000Z"], { timezone: "America/New_York" }],
  ["cron(30 1 * * ? *)", "2024-01-01T00:00:00Z", ["2024-01-01T16:30:00.000Z"], { timezone: "Asia/Seoul" }],
  // Rates count from their anchor (the rule's creation), not from wall-clock boundaries.
  [
    "rate(5 minutes)",
    "2024-01-01T00:00:30Z",
    ["2024-01-01T00:05:30.000Z", "2024-01-01T00:10:30.000Z"],
    { anchorMs: at("2024-01-01T00:00:30Z") },
  ],
  ["rate(1 hour)", "2024-01-01T00:30:00Z", ["2024-01-01T01:00:00.000Z"], { anchorMs: 0 }],
  ["rate(2 days)", "1970-01-01T00:00:00Z", ["1970-01-03T00:00:00.000Z"], { anchorMs: 0 }],
  // at(): once, in the schedule's time zone.
  ["at(2024-03-10T02:30:00)", "2024-01-01T00:00:00Z", ["2024-03-10T02:30:00.000Z"], { allowAt: true }],
  [
    "at(2024-07-01T09:00:00)",
    "2024-01-01T00:00:00Z",
    ["2024-07-01T00:00:00.000Z"],
    { allowAt: true, timezone: "Asia/Seoul" },
  ],
  [
    "at(2024-07-01T09:00:00)",
    "2024-01-01T00:00:00Z",
    ["2024-07-01T13:00:00.000Z"],
    { allowAt: true, timezone: "America/New_York" },
  ],
];

describe("schedule expressions: firing times", () => {
  for (const [expression, after, expected, options] of FIRINGS) {
    test(`${expression}${options?.timezone ? ` in ${options.timezone}` : ""} after ${after}`, () => {
      const schedule = parseScheduleExpression(expression, options);
      let t = at(after);
      const got: (string | undefined)[] = [];
      for (let i = 0; i < expected.length; i++) {
        const next = schedule.nextAfter(t);
        got.push(iso(next));
        if (next === undefined) break;
        t = next;
      }
      assert.deepEqual(got, expected);
    });
  }

  test("a schedule past its last year or its at() time fires no more", () => {
    assert.equal(parseScheduleExpression("cron(0 0 1 1 ? 2030)").nextAfter(at("2030-01-01T00:00:00Z")), undefined);
    const once = parseScheduleExpression("at(2024-03-10T02:30:00)", { allowAt: true });
    assert.equal(once.nextAfter(at("2024-03-10T02:30:00Z")), undefined);
  });
});

describe("schedule expressions: refused as AWS refuses them", () => {
  const refused: [string, ScheduleOptions?][] = [
    ["cron(0 10 * * * *)"],
    ["cron(0 10 ? * ? *)"],
    ["cron(0 10 * * ?)"],
    ["cron(0 10 * * ? * *)"],
    ["cron(60 10 * * ? *)"],
    ["cron(0 24 * * ? *)"],
    ["cron(0 10 32 * ? *)"],
    ["cron(0 10 ? * 8 *)"],
    ["cron(0 10 * * ? 1969)"],
    ["cron(0 10 * * ? *) "],
    ["rate(1 minutes)"],
    ["rate(5 minute)"],
    ["rate(0 minutes)"],
    ["rate(5 seconds)"],
    ["rate(-5 minutes)"],
    ["rate(5  minutes)"],
    ["every 5 minutes"],
    ["at(2024-03-10T02:30:00)"],
    ["at(2024-02-30T02:30:00)", { allowAt: true }],
    ["cron(0 10 * * ? *)", { timezone: "Mars/Olympus" }],
  ];
  for (const [expression, options] of refused) {
    test(`${expression}${options ? ` ${JSON.stringify(options)}` : ""}`, () => {
      assert.throws(() => parseScheduleExpression(expression, options), InvalidScheduleExpression);
    });
  }
});
