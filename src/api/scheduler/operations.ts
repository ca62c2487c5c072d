/**
 * The EventBridge Scheduler API (REST JSON, SigV4 service `scheduler`): Create/Get/Update/Delete/
 * ListSchedules in the `default` group, with FlexibleTimeWindow OFF and Lambda targets. Members
 * haneul does not honour (flexible windows, start and end dates, retry policies, dead-letter
 * queues, KMS keys) are refused with a ValidationException rather than ignored.
 */
import { z } from "zod";
import {
  deleteSchedule,
  getSchedule,
  listSchedules,
  saveSchedule,
  type EventBusService,
  type ScheduleInput,
} from "../../buses/index.js";
import type { EventRuleRecord } from "../../ports/bus-store.js";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse, Operation } from "../types.js";

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

const ScheduleBody = z.object({
  ScheduleExpression: z.string(),
  ScheduleExpressionTimezone: z.string().optional(),
  FlexibleTimeWindow: z.object({ Mode: z.string(), MaximumWindowInMinutes: z.number().optional() }),
  Target: z.object({ Arn: z.string(), RoleArn: z.string(), Input: z.string().optional() }).catchall(z.unknown()),
  State: z.enum(["ENABLED", "DISABLED"]).optional(),
  Description: z.string().max(512).optional(),
  GroupName: z.string().optional(),
  ActionAfterCompletion: z.enum(["NONE", "DELETE"]).optional(),
  ClientToken: z.string().optional(),
  StartDate: z.unknown().optional(),
  EndDate: z.unknown().optional(),
  KmsKeyArn: z.unknown().optional(),
});

const invalid = (message: string) => new PlatformError("ERR_SCHEDULER_VALIDATION", message);

function body(req: ApiRequest): z.output<typeof ScheduleBody> {
  let raw: unknown;
  try {
    raw = JSON.parse(req.body.toString("utf8") || "{}");
  } catch {
    throw invalid("Request body is not valid JSON.");
  }
  const parsed = ScheduleBody.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function nameOf(req: ApiRequest): string {
  const name = req.params["Name"] ?? "";
  if (!NAME.test(name))
    throw invalid(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
    );
  return name;
}

function inputOf(req: ApiRequest): ScheduleInput {
  const b = body(req);
  if (b.FlexibleTimeWindow.Mode !== "OFF")
    throw invalid("FlexibleTimeWindow mode FLEXIBLE is not supported by haneul: use OFF.");
  for (const f of ["StartDate", "EndDate", "KmsKeyArn"] as const) {
    if (b[f] !== undefined && b[f] !== null) throw invalid(`${f} is not supported by haneul.`);
  }
  for (const key of Object.keys(b.Target)) {
    if (!["Arn", "RoleArn", "Input"].includes(key))
      throw invalid(`Target parameter ${key} is not supported by haneul.`);
  }
  return {
    name: nameOf(req),
    groupName: b.GroupName ?? "default",
    scheduleExpression: b.ScheduleExpression,
    timezone: b.ScheduleExpressionTimezone ?? "UTC",
    state: b.State ?? "ENABLED",
    description: b.Description,
    target: { arn: b.Target.Arn, roleArn: b.Target.RoleArn, input: b.Target.Input },
    actionAfterCompletion: b.ActionAfterCompletion ?? "NONE",
  };
}

const seconds = (ms: number) => ms / 1000;

function view(r: EventRuleRecord): object {
  const s = r.schedule!;
  const t = r.targets[0]!;
  return {
    Arn: r.arn,
    Name: r.name,
    GroupName: s.groupName,
    State: r.state,
    ScheduleExpression: r.scheduleExpression,
    ScheduleExpressionTimezone: s.timezone,
    FlexibleTimeWindow: { Mode: "OFF" },
    Target: { Arn: t.arn, RoleArn: t.roleArn, Input: t.input },
    ActionAfterCompletion: s.actionAfterCompletion,
    ...(r.description !== undefined && { Description: r.description }),
    CreationDate: seconds(r.createdAt),
    LastModificationDate: seconds(s.modifiedAt),
  };
}

const group = (req: ApiRequest) => req.query.get("groupName") ?? "default";

/** The Scheduler operations over `service`. */
export function createSchedulerOperations(service: EventBusService): Operation[] {
  const resource = (req: ApiRequest) =>
    `arn:aws:scheduler:${service.scope.region}:${service.scope.accountId}:schedule/${group(req)}/${req.params["Name"] ?? "*"}`;
  const op = (
    name: string,
    method: string,
    path: string,
    handle: (req: ApiRequest) => Promise<ApiResponse>,
  ): Operation => ({
    name,
    method,
    path,
    service: "scheduler",
    access: (req) => ({ action: `scheduler:${name}`, resource: path.includes("{Name}") ? resource(req) : "*" }),
    handle,
  });
  return [
    op("CreateSchedule", "POST", "/schedules/{Name}", async (req) => ({
      status: 200,
      body: { ScheduleArn: await saveSchedule(service, inputOf(req), true) },
    })),
    op("UpdateSchedule", "PUT", "/schedules/{Name}", async (req) => ({
      status: 200,
      body: { ScheduleArn: await saveSchedule(service, inputOf(req), false) },
    })),
    op("GetSchedule", "GET", "/schedules/{Name}", (req) =>
      Promise.resolve({ status: 200, body: view(getSchedule(service, group(req), nameOf(req))) }),
    ),
    op("DeleteSchedule", "DELETE", "/schedules/{Name}", async (req) => {
      await deleteSchedule(service, group(req), nameOf(req));
      return { status: 200, body: {} };
    }),
    op("ListSchedules", "GET", "/schedules", (req) => {
      const prefix = req.query.get("NamePrefix") ?? "";
      const state = req.query.get("State");
      const groupName = req.query.get("ScheduleGroup");
      const all = listSchedules(service).filter(
        (r) =>
          r.name.startsWith(prefix) &&
          (!state || r.state === state) &&
          (!groupName || r.schedule?.groupName === groupName),
      );
      const max = Math.max(1, Math.min(100, Number(req.query.get("MaxResults") ?? 100) || 100));
      const start = Number(req.query.get("NextToken") ?? 0) || 0;
      const items = all.slice(start, start + max);
      return Promise.resolve({
        status: 200,
        body: {
          Schedules: items.map((r) => ({
            Arn: r.arn,
            Name: r.name,
            GroupName: r.schedule!.groupName,
            State: r.state,
            CreationDate: seconds(r.createdAt),
            LastModificationDate: seconds(r.schedule!.modifiedAt),
            Target: { Arn: r.targets[0]!.arn },
          })),
          ...(start + max < all.length && { NextToken: String(start + max) }),
        },
      });
    }),
  ];
}
