/** Queue management: create, look up, delete, list, purge, attributes and tags. */
import type { QueueRecord, QueueStore } from "../ports/queue-store.js";
import type { CompiledPolicy } from "../iam/index.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import { checkAttributes, redriveAllowPolicyOf, redrivePolicyOf, reportAttributes } from "./queue-attributes.js";
import { compiledQueuePolicy } from "./queue-policy.js";
import {
  checkQueueName,
  nameFromArn,
  nameFromUrl,
  noQueue,
  queueArn,
  queueUrl,
  type QueueScope,
} from "./queue-refs.js";
import type { CallContext, Json, StringMap } from "./types.js";

/** How long a node trusts its copy of a queue's settings (another node may change them). */
const CACHE_MS = 1000;
const PURGE_INTERVAL_MS = 60_000;

export interface QueueAdminOptions extends QueueScope {
  readonly store: QueueStore;
  readonly clock: Clock;
}

/** Queue records, cached briefly in memory: sending and receiving read them on every call. */
export class QueueAdmin {
  readonly #o: QueueAdminOptions;
  readonly #cache = new Map<string, { record: QueueRecord; until: number }>();
  readonly #lastPurge = new Map<string, number>();

  constructor(options: QueueAdminOptions) {
    this.#o = options;
  }

  get scope(): QueueScope {
    return this.#o;
  }

  /** The queue a QueueUrl names; QueueDoesNotExist when there is none. */
  async byUrl(url: string | undefined): Promise<QueueRecord> {
    const name = nameFromUrl(this.#o, url);
    const q = await this.byName(name);
    if (!q) throw noQueue();
    return q;
  }

  /** The queue `name`, or undefined. */
  async byName(name: string): Promise<QueueRecord | undefined> {
    const now = this.#o.clock.monotonicNow();
    const hit = this.#cache.get(name);
    if (hit && hit.until > now) return hit.record;
    const record = await this.#o.store.getQueue(name);
    if (record) this.#cache.set(name, { record, until: now + CACHE_MS });
    else this.#cache.delete(name);
    return record;
  }

  /** The queue's compiled Policy, or undefined when it has none (or does not exist). */
  async policyOf(name: string): Promise<CompiledPolicy | undefined> {
    const text = (await this.byName(name))?.attributes["Policy"];
    return text ? compiledQueuePolicy(text) : undefined;
  }

  async createQueue(
    input: { QueueName?: string; Attributes?: StringMap; tags?: StringMap },
    ctx: CallContext,
  ): Promise<Json> {
    const name = input.QueueName;
    if (!name)
      throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter QueueName.");
    const given = input.Attributes ?? {};
    const fifo = given["FifoQueue"] === "true";
    if (given["FifoQueue"] !== undefined && !["true", "false"].includes(given["FifoQueue"])) {
      throw new PlatformError("ERR_SQS_INVALID_ATTRIBUTE_VALUE", "Invalid value for the parameter FifoQueue.");
    }
    checkQueueName(name, fifo || name.endsWith(".fifo"));
    if (name.endsWith(".fifo") && !fifo) {
      throw new PlatformError(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
      );
    }
    const attributes = checkAttributes(given, { fifo, creating: true });
    delete attributes["FifoQueue"];
    await this.#checkDeadLetterTarget(attributes, { fifo, source: name });
    const now = Math.floor(this.#o.clock.now() / 1000);
    const record: QueueRecord = { name, fifo, attributes, tags: input.tags ?? {}, createdAt: now, lastModified: now };
    const stored = await this.#o.store.createQueue(record);
    // An existing queue: the same attributes are fine (CreateQueue is idempotent), others are not.
    const differing = Object.keys(attributes).filter((k) => stored.attributes[k] !== attributes[k]);
    if (stored.fifo !== fifo) differing.unshift("FifoQueue");
    if (differing.length > 0) {
      const message = `A queue already exists with the same name and a different value for attribute(s) ${differing.join(", ")}`;
      throw new PlatformError("ERR_SQS_QUEUE_NAME_EXISTS", message);
    }
    this.#cache.delete(name);
    return { QueueUrl: queueUrl(ctx.baseUrl, this.#o, name) };
  }

  async #checkDeadLetterTarget(attributes: StringMap, o: { fifo: boolean; source: string }): Promise<void> {
    const text = attributes["RedrivePolicy"];
    if (!text) return;
    const arn = (JSON.parse(text) as { deadLetterTargetArn: string }).deadLetterTargetArn;
    const target = nameFromArn(this.#o, arn);
    const dlq = target === undefined ? undefined : await this.byName(target);
    if (!dlq) {
      throw new PlatformError(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        `Value ${text} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
      );
    }
    if (dlq.fifo !== o.fifo) {
      throw new PlatformError(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        `Value ${text} for parameter RedrivePolicy is invalid. Reason: Dead-letter target must be the same type of queue (FIFO or standard) as the source.`,
      );
    }
    // The dead-letter queue's RedriveAllowPolicy says which sources may name it.
    const allow = redriveAllowPolicyOf(dlq);
    const source = queueArn(this.#o, o.source);
    if (
      allow.redrivePermission === "denyAll" ||
      (allow.redrivePermission === "byQueue" && !(allow.sourceQueueArns ?? []).includes(source))
    ) {
      throw new PlatformError(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        `Value ${text} for parameter RedrivePolicy is invalid. Reason: Queue ${arn} does not allow ${source} to use it as a dead-letter queue (RedriveAllowPolicy).`,
      );
    }
  }

  async getQueueUrl(input: { QueueName?: string; QueueOwnerAWSAccountId?: string }, ctx: CallContext): Promise<Json> {
    if (!input.QueueName)
      throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter QueueName.");
    if (input.QueueOwnerAWSAccountId && input.QueueOwnerAWSAccountId !== this.#o.accountId) throw noQueue();
    if (!(await this.byName(input.QueueName))) throw noQueue();
    return { QueueUrl: queueUrl(ctx.baseUrl, this.#o, input.QueueName) };
  }

  async deleteQueue(input: { QueueUrl?: string }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    await this.#o.store.deleteQueue(q.name);
    this.#cache.delete(q.name);
    return {};
  }

  async listQueues(
    input: { QueueNamePrefix?: string; MaxResults?: number; NextToken?: string },
    ctx: CallContext,
  ): Promise<Json> {
    const max = input.MaxResults;
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
      throw new PlatformError(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        `Value ${max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`,
      );
    }
    const after = input.NextToken ? Buffer.from(input.NextToken, "base64").toString("utf8") : "";
    const names = (await this.#o.store.listQueues())
      .map((q) => q.name)
      .filter((n) => n.startsWith(input.QueueNamePrefix ?? "") && n > after);
    // Without MaxResults SQS answers at most 1000 queues and no token.
    const page = names.slice(0, max ?? 1000);
    const more = max !== undefined && names.length > page.length;
    return {
      ...(page.length > 0 && { QueueUrls: page.map((n) => queueUrl(ctx.baseUrl, this.#o, n)) }),
      ...(more && { NextToken: Buffer.from(page.at(-1)!, "utf8").toString("base64") }),
    };
  }

  async purgeQueue(input: { QueueUrl?: string }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    const now = this.#o.clock.now();
    const last = this.#lastPurge.get(q.name);
    if (last !== undefined && now - last < PURGE_INTERVAL_MS) {
      throw new PlatformError(
        "ERR_SQS_PURGE_IN_PROGRESS",
        `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`,
      );
    }
    this.#lastPurge.set(q.name, now);
    await this.#o.store.purgeQueue(q.name);
    return {};
  }

  async getQueueAttributes(input: { QueueUrl?: string; AttributeNames?: readonly string[] }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    const names = input.AttributeNames ?? [];
    if (names.length === 0) return {};
    const counts = await this.#o.store.countMessages(q.name, this.#o.clock.now());
    const attributes = reportAttributes(q, { names, counts, arn: queueArn(this.#o, q.name) });
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  async setQueueAttributes(input: { QueueUrl?: string; Attributes?: StringMap }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    if (!input.Attributes)
      throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter Attributes.");
    const changes = checkAttributes(input.Attributes, { fifo: q.fifo, creating: false });
    await this.#checkDeadLetterTarget(changes, { fifo: q.fifo, source: q.name });
    const attributes = { ...q.attributes, ...changes };
    for (const [k, v] of Object.entries(changes)) if (v === "" && k !== "Policy") delete attributes[k];
    await this.#update({ ...q, attributes, lastModified: Math.floor(this.#o.clock.now() / 1000) });
    return {};
  }

  async tagQueue(input: { QueueUrl?: string; Tags?: StringMap }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    await this.#update({ ...q, tags: { ...q.tags, ...input.Tags } });
    return {};
  }

  async untagQueue(input: { QueueUrl?: string; TagKeys?: readonly string[] }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    const tags = { ...q.tags };
    for (const k of input.TagKeys ?? []) delete tags[k];
    await this.#update({ ...q, tags });
    return {};
  }

  async listQueueTags(input: { QueueUrl?: string }): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    return Object.keys(q.tags).length > 0 ? { Tags: q.tags } : {};
  }

  async listDeadLetterSourceQueues(input: { QueueUrl?: string }, ctx: CallContext): Promise<Json> {
    const q = await this.byUrl(input.QueueUrl);
    const arn = queueArn(this.#o, q.name);
    const sources = (await this.#o.store.listQueues()).filter((s) => redrivePolicyOf(s)?.deadLetterTargetArn === arn);
    return { queueUrls: sources.map((s) => queueUrl(ctx.baseUrl, this.#o, s.name)) };
  }

  async #update(q: QueueRecord): Promise<void> {
    if (!(await this.#o.store.updateQueue(q))) throw noQueue();
    this.#cache.delete(q.name);
  }
}
