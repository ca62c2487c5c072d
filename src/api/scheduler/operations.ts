/**
 * The EventBridge Scheduler API (REST JSON, SigV4 service `scheduler`): Create/Get/Update/Delete/
 * ListSchedules in any schedule group, with start and end dates, flexible windows and templated
 * targets (Lambda, SQS, SNS, EventBridge, Kinesis); the groups and their tags are in
 * group-operations.ts. A target's RetryPolicy and DeadLetterConfig are honoured (see
 * schedule-delivery.ts); members haneul does not honour (KMS keys, the targets of other services)
 * are refused with a ValidationException rather than ignored.
 */
import { z } from "zod";
import {
  DEFAULT_EVENT_AGE_SECONDS,
  DEFAULT_RETRY_ATTEMPTS,
  deleteSchedule,
  getSchedule,
  listSchedules,
  saveSchedule,
  type EventBusService,
  type ScheduleInput,
} from "../../buses/index.js";
import type { EventRuleRecord } from "../../ports/bus-store.js";
import type { ApiRequest, Operation } from "../types.js";
import { createGroupOperations } from "./group-operations.js";
import { invalid, nameOf, operationBuilder, page, parseBody, seconds, Timestamp } from "./wire.js";

const TargetBody = z
  .object({
    Arn: z.string().min(1).max(1600),
    RoleArn: z.string().min(1).max(1600),
    Input: z.string().min(1).optional(),
    SqsParameters: z.object({ MessageGroupId: z.string().min(1).max(128).optional() }).optional(),
    KinesisParameters: z.object({ PartitionKey: z.string().min(1).max(256) }).optional(),
    EventBridgeParameters: z.object({ DetailType: z.string(), Source: z.string() }).optional(),
    RetryPolicy: z
      .object({
        MaximumEventAgeInSeconds: z.number().int().optional(),
        MaximumRetryAttempts: z.number().int().optional(),
      })
      .optional(),
    DeadLetterConfig: z.object({ Arn: z.string().min(1).max(1600).optional() }).optional(),
  })
  .catchall(z.unknown());

const ScheduleBody = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().optional(),
  FlexibleTimeWindow: z.object({ Mode: z.enum(["OFF", "FLEXIBLE"]), MaximumWindowInMinutes: z.number().optional() }),
  Target: TargetBody,
  State: z.enum(["ENABLED", "DISABLED"]).optional(),
  Description: z.string().max(512).optional(),
  GroupName: z.string().optional(),
  ActionAfterCompletion: z.enum(["NONE", "DELETE"]).optional(),
  ClientToken: z.string().optional(),
  StartDate: Timestamp.optional(),
  EndDate: Timestamp.optional(),
  KmsKeyArn: z.unknown().optional(),
});

/** Target members haneul does not honour yet; the others are the templated targets' own. */
const REFUSED_TARGET_MEMBERS = ["EcsParameters", "SageMakerPipelineParameters"];

function flexibleWindowOf(w: z.output<typeof ScheduleBody>["FlexibleTimeWindow"]): number | undefined {
  if (w.Mode === "OFF") {
    if (w.MaximumWindowInMinutes !== undefined)
      throw invalid("MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF.");
    return undefined;
  }
  if (w.MaximumWindowInMinutes === undefined)
    throw invalid("MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.");
  return w.MaximumWindowInMinutes;
}

function inputOf(req: ApiRequest): ScheduleInput {
  const b = parseBody(req, ScheduleBody);
  if (b.KmsKeyArn !== undefined && b.KmsKeyArn !== null) throw invalid("KmsKeyArn is not supported by haneul.");
  for (const key of Object.keys(b.Target)) {
    if (REFUSED_TARGET_MEMBERS.includes(key)) throw invalid(`Target parameter ${key} is not supported by haneul.`);
  }
  const t = b.Target;
  const eb = t.EventBridgeParameters;
  return {
    name: nameOf(req),
    groupName: b.GroupName ?? "default",
    scheduleExpression: b.ScheduleExpression,
    timezone: b.ScheduleExpressionTimezone ?? "UTC",
    state: b.State ?? "ENABLED",
    description: b.Description,
    target: {
      arn: t.Arn,
      roleArn: t.RoleArn,
      input: t.Input,
      parameters: {
        messageGroupId: t.SqsParameters?.MessageGroupId,
        partitionKey: t.KinesisParameters?.PartitionKey,
        eventBridge: eb && { detailType: eb.DetailType, source: eb.Source },
      },
      retryPolicy: t.RetryPolicy && {
        maximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds,
        maximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts,
      },
      deadLetterArn: t.DeadLetterConfig?.Arn,
    },
    actionAfterCompletion: b.ActionAfterCompletion ?? "NONE",
    startDate: b.StartDate,
    endDate: b.EndDate,
    flexibleWindowMinutes: flexibleWindowOf(b.FlexibleTimeWindow),
  };
}

function targetView(r: EventRuleRecord): object {
  const t = r.targets[0]!;
  const p = r.schedule?.targetParameters;
  return {
    Arn: t.arn,
    RoleArn: t.roleArn,
    ...(t.input !== undefined && { Input: t.input }),
    ...(p?.messageGroupId !== undefined && { SqsParameters: { MessageGroupId: p.messageGroupId } }),
    ...(p?.partitionKey !== undefined && { KinesisParameters: { PartitionKey: p.partitionKey } }),
    ...(p?.eventBridge && {
      EventBridgeParameters: { DetailType: p.eventBridge.detailType, Source: p.eventBridge.source },
    }),
    // Scheduler gives the policy back whole, a member left out (or the whole policy) as its default.
    RetryPolicy: {
      MaximumEventAgeInSeconds: t.retryPolicy?.maximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS,
      MaximumRetryAttempts: t.retryPolicy?.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
    },
    ...(t.deadLetterConfig && { DeadLetterConfig: { Arn: t.deadLetterConfig.arn } }),
  };
}

function view(r: EventRuleRecord): object {
  const s = r.schedule!;
  return {
    Arn: r.arn,
    Name: r.name,
    GroupName: s.groupName,
    State: r.state,
    ScheduleExpression: r.scheduleExpression,
    ScheduleExpressionTimezone: s.timezone,
    FlexibleTimeWindow:
      s.flexibleWindowMinutes === undefined
        ? { Mode: "OFF" }
        : { Mode: "FLEXIBLE", MaximumWindowInMinutes: s.flexibleWindowMinutes },
    Target: targetView(r),
    ActionAfterCompletion: s.actionAfterCompletion,
    ...(r.description !== undefined && { Description: r.description }),
    ...(s.startDate !== undefined && { StartDate: seconds(s.startDate) }),
    ...(s.endDate !== undefined && { EndDate: seconds(s.endDate) }),
    CreationDate: seconds(r.createdAt),
    LastModificationDate: seconds(s.modifiedAt),
  };
}

const group = (req: ApiRequest) => req.query.get("groupName") ?? "default";

/** The Scheduler operations over `service`. */
export function createSchedulerOperations(service: EventBusService): Operation[] {
  const resource = (req: ApiRequest) =>
    `arn:aws:scheduler:${service.scope.region}:${service.scope.accountId}:schedule/${group(req)}/${req.params["Name"] ?? "*"}`;
  const op = operationBuilder((req, path) => (path.includes("{Name}") ? resource(req) : "*"));
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
      const { items, nextToken } = page(req, all);
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
          ...(nextToken && { NextToken: nextToken }),
        },
      });
    }),
    ...createGroupOperations(service),
  ];
}
