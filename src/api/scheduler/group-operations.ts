/**
 * Scheduler's schedule groups (Create/Get/Delete/ListScheduleGroups) and their tags (TagResource,
 * UntagResource, ListTagsForResource: only schedule groups take tags on Scheduler).
 */
import { z } from "zod";
import {
  createScheduleGroup,
  deleteScheduleGroup,
  groupOfArn,
  listScheduleGroups,
  scheduleGroup,
  tagScheduleGroup,
  untagScheduleGroup,
  type EventBusService,
} from "../../buses/index.js";
import type { EventBusRecord } from "../../ports/bus-store.js";
import type { ApiRequest, Operation } from "../types.js";
import { nameOf, operationBuilder, page, parseBody, seconds, TagList, tagList } from "./wire.js";

const CreateGroupBody = z.object({ Tags: TagList.optional(), ClientToken: z.string().optional() });
const TagBody = z.object({ Tags: TagList });

function groupView(name: string, g: EventBusRecord): object {
  return {
    Arn: g.arn,
    Name: name,
    State: "ACTIVE",
    CreationDate: seconds(g.createdAt),
    // A group has nothing to change but its tags, which do not count as a modification.
    LastModificationDate: seconds(g.createdAt),
  };
}

/** The schedule group and tag operations over `service`. */
export function createGroupOperations(service: EventBusService): Operation[] {
  const groupResource = (req: ApiRequest) =>
    `arn:aws:scheduler:${service.scope.region}:${service.scope.accountId}:schedule-group/${req.params["Name"] ?? "*"}`;
  const op = operationBuilder((req, path) =>
    path.includes("{Name}")
      ? groupResource(req)
      : path.includes("{ResourceArn}")
        ? (req.params["ResourceArn"] ?? "*")
        : "*",
  );
  return [
    op("CreateScheduleGroup", "POST", "/schedule-groups/{Name}", async (req) => {
      const name = nameOf(req);
      const body = parseBody(req, CreateGroupBody);
      return { status: 200, body: { ScheduleGroupArn: await createScheduleGroup(service, name, body.Tags ?? {}) } };
    }),
    op("GetScheduleGroup", "GET", "/schedule-groups/{Name}", (req) => {
      const name = nameOf(req);
      return Promise.resolve({ status: 200, body: groupView(name, scheduleGroup(service, name)) });
    }),
    op("DeleteScheduleGroup", "DELETE", "/schedule-groups/{Name}", async (req) => {
      await deleteScheduleGroup(service, nameOf(req));
      return { status: 200, body: {} };
    }),
    op("ListScheduleGroups", "GET", "/schedule-groups", (req) => {
      const prefix = req.query.get("NamePrefix") ?? "";
      const all = listScheduleGroups(service).filter((g) => g.name.startsWith(prefix));
      const { items, nextToken } = page(req, all);
      return Promise.resolve({
        status: 200,
        body: {
          ScheduleGroups: items.map((g) => groupView(g.name, g.group)),
          ...(nextToken && { NextToken: nextToken }),
        },
      });
    }),
    op("TagResource", "POST", "/tags/{ResourceArn}", async (req) => {
      const name = groupOfArn(service, req.params["ResourceArn"] ?? "");
      await tagScheduleGroup(service, name, parseBody(req, TagBody).Tags);
      return { status: 200, body: {} };
    }),
    op("UntagResource", "DELETE", "/tags/{ResourceArn}", async (req) => {
      const name = groupOfArn(service, req.params["ResourceArn"] ?? "");
      await untagScheduleGroup(service, name, req.query.getAll("TagKeys"));
      return { status: 200, body: {} };
    }),
    op("ListTagsForResource", "GET", "/tags/{ResourceArn}", (req) => {
      const group = scheduleGroup(service, groupOfArn(service, req.params["ResourceArn"] ?? ""));
      return Promise.resolve({ status: 200, body: { Tags: tagList(group.tags) } });
    }),
  ];
}
