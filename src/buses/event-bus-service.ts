/**
 * EventBridge's buses, rules and targets: the state behind the API, kept in a BusStore and cached
 * compiled (RuleCache), announced to the other nodes of a cluster on every change. PutEvents and
 * the scheduler deliver through `deliver` (the durable async-invocation queue).
 */
import type { BusStore, EventBusRecord, EventRuleRecord, RuleTargetRecord } from "../ports/bus-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import type { DeliveryFailure } from "./delivery-failure.js";
import { TargetSenders, type QueueDelivery, type StreamRecordInput } from "./target-senders.js";
import { busArn, invalid, ruleArn, type ArnScope, type FunctionTarget } from "./names.js";
import { checkRuleDefinition, checkTargetScope } from "./rule-checks.js";
import { compileRule, GROUP_PREFIX, RuleCache, type CompiledRule } from "./rule-cache.js";
import { groupRecord } from "./schedule-groups.js";
import type { RandomSource } from "../shared/random.js";
import { TargetRetries } from "./target-retries.js";

/**
 * Hands a target's input to a function: an asynchronous invocation, durable once it resolves
 * undefined; the failure when it was refused (no permission, no such function; the caller logged why).
 */
export type Deliver = (
  target: FunctionTarget,
  payload: Buffer,
  sourceArn: string,
) => Promise<DeliveryFailure | undefined>;

/** One count of a rule for `AWS/Events` (`ruleName` undefined: an event that matched any rule of the bus). */
export interface RuleCount {
  readonly busName: string;
  readonly ruleName: string | undefined;
  readonly name:
    | "MatchedEvents"
    | "TriggeredRules"
    | "Invocations"
    | "FailedInvocations"
    | "InvocationAttempts"
    | "RetryInvocationAttempts"
    | "InvocationsSentToDlq"
    | "InvocationsFailedToBeSentToDlq";
}

export type { QueueDelivery, StreamRecordInput };

export interface EventBusServiceOptions {
  readonly store: BusStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly scope: ArnScope;
  readonly deliver: Deliver;
  /** Publishes a target's input to an SNS topic for the rule `ruleArn` (durable once it resolves). */
  readonly publishToTopic?: ((topicArn: string, payload: Buffer, ruleArn: string) => Promise<void>) | undefined;
  /** Sends a target's input to an SQS queue for a rule; false when the queue's policy does not let EventBridge send. */
  readonly sendToQueue?: ((queueArn: string, message: QueueDelivery) => Promise<boolean>) | undefined;
  /** Puts a record on the node's Kinesis stream `streamName` (durable once it resolves); rejects when it cannot. */
  readonly putRecord?: ((streamName: string, record: StreamRecordInput) => Promise<void>) | undefined;
  /** Whether the role `roleArn` may do `action` on `resource` by its identity policies (a target's RoleArn). */
  readonly rolePermits?: ((roleArn: string, request: { action: string; resource: string }) => boolean) | undefined;
  /** Scheduler's SendMessage and Publish, made as the schedule's role (checked first), not through a resource policy. */
  readonly schedulerSends?: SchedulerSends | undefined;
  /** Told of each rule's matches, invocations and failed deliveries. */
  readonly onCount?: ((count: RuleCount) => void) | undefined;
  /** Told after every change (cluster mode announces it). */
  readonly onChange?: (() => void) | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
  /** The name this node claims stored retries under (a cluster's node id); default a random one. */
  readonly owner?: string | undefined;
  /** The jitter of the retries' backoff; default Math.random. */
  readonly random?: RandomSource | undefined;
  /** Look for retries stored by other nodes at least this often (platform ms). */
  readonly retryPollMs?: number | undefined;
}

/** What Scheduler's queue and topic targets are given. */
export interface SchedulerSends {
  sendMessage(
    queueArn: string,
    message: {
      body: string;
      messageGroupId?: string | undefined;
      /** A dead letter's attributes (SCHEDULE_ARN, ERROR_CODE…). */
      attributes?: Readonly<Record<string, { DataType: string; StringValue: string }>> | undefined;
    },
  ): Promise<void>;
  publish(topicArn: string, message: string): Promise<void>;
}

/** What PutRule takes. */
export interface RuleInput {
  readonly busName: string;
  readonly name: string;
  readonly eventPattern?: string | undefined;
  readonly scheduleExpression?: string | undefined;
  readonly state?: "ENABLED" | "DISABLED" | undefined;
  readonly description?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/** AWS's limit of targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;

/** See the file comment. */
export class EventBusService {
  readonly #o: EventBusServiceOptions;
  readonly cache = new RuleCache();
  /** Hands target inputs to topics, queues and streams. */
  readonly senders: TargetSenders;
  /** Failed deliveries waiting for their next try. */
  readonly retries: TargetRetries;
  /** Writes run one at a time: each is a read-modify-write of a cached rule. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EventBusServiceOptions) {
    this.#o = options;
    this.senders = new TargetSenders(options);
    this.retries = new TargetRetries({
      store: options.store,
      clock: options.clock,
      owner: options.owner ?? `events-${options.ids.hex(6)}`,
      random: options.random,
      pollMs: options.retryPollMs,
      onError: options.onError,
    });
  }

  get scope(): ArnScope {
    return this.#o.scope;
  }

  get clock(): Clock {
    return this.#o.clock;
  }

  get ids(): IdSource {
    return this.#o.ids;
  }

  get deliver(): Deliver {
    return this.#o.deliver;
  }

  get schedulerSends(): SchedulerSends | undefined {
    return this.#o.schedulerSends;
  }

  /** Counts a rule's match, invocation or failed delivery. */
  count(busName: string, ruleName: string | undefined, name: RuleCount["name"]): void {
    this.#o.onCount?.({ busName, ruleName, name });
  }

  /** Makes the default bus when missing, then loads everything. */
  async start(): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.insertBus({ name: "default", arn: busArn(this.#o.scope, "default"), createdAt: now, tags: {} });
    await this.#o.store.insertBus(groupRecord(this.#o.scope, "default", now, {}));
    await this.reload();
    this.retries.start(this);
  }

  /** Stops trying stored retries (they stay stored for the next start, or another node). */
  stop(): Promise<void> {
    return this.retries.stop();
  }

  /** Reads buses and rules from the store again (another node changed them). */
  async reload(): Promise<void> {
    const [buses, rules] = await Promise.all([this.#o.store.listBuses(), this.#o.store.listRules()]);
    this.cache.load(buses, rules);
  }

  /** A bus, or AWS's ResourceNotFoundException. */
  bus(name: string): EventBusRecord {
    const bus = this.cache.buses.get(name);
    if (!bus) throw new PlatformError("ERR_EVENTS_RESOURCE_NOT_FOUND", `Event bus ${name} does not exist.`);
    return bus;
  }

  /** A rule, or AWS's ResourceNotFoundException. */
  rule(busName: string, name: string): CompiledRule {
    this.bus(busName);
    const rule = this.cache.get(busName, name);
    if (!rule)
      throw new PlatformError("ERR_EVENTS_RESOURCE_NOT_FOUND", `Rule ${name} does not exist on EventBus ${busName}.`);
    return rule;
  }

  createBus(input: {
    name: string;
    description?: string | undefined;
    tags?: Record<string, string> | undefined;
  }): Promise<EventBusRecord> {
    return this.#write(async () => {
      const bus: EventBusRecord = {
        name: input.name,
        arn: busArn(this.#o.scope, input.name),
        description: input.description,
        createdAt: this.#o.clock.now(),
        tags: input.tags ?? {},
      };
      if (input.name.startsWith("aws."))
        throw invalid("Event source aws.* is reserved: only partner event sources may be named so.");
      if (!(await this.#o.store.insertBus(bus))) {
        throw new PlatformError("ERR_EVENTS_RESOURCE_EXISTS", `Event bus ${input.name} already exists.`);
      }
      this.cache.buses.set(bus.name, bus);
      return bus;
    });
  }

  deleteBus(name: string): Promise<void> {
    return this.#write(async () => {
      if (name === "default") throw invalid("Cannot delete event bus default.");
      // As on AWS, deleting a bus that does not exist succeeds (Scheduler's groups are no buses).
      if (name.startsWith(GROUP_PREFIX)) return;
      await this.#o.store.deleteBus(name);
      this.cache.deleteBus(name);
    });
  }

  updateBusTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return this.#write(async () => {
      const bus = { ...this.bus(name), tags };
      await this.#o.store.updateBus(bus);
      this.cache.buses.set(name, bus);
    });
  }

  /** Changes a bus's description and tags (a stack's update of AWS::Events::EventBus). */
  updateBus(
    name: string,
    change: { description?: string | undefined; tags: Readonly<Record<string, string>> },
  ): Promise<void> {
    return this.#write(async () => {
      const bus = { ...this.bus(name), description: change.description, tags: change.tags };
      await this.#o.store.updateBus(bus);
      this.cache.buses.set(name, bus);
    });
  }

  putRule(input: RuleInput): Promise<EventRuleRecord> {
    return this.#write(async () => {
      this.bus(input.busName);
      checkRuleDefinition(input);
      const now = this.#o.clock.now();
      const existing = this.cache.get(input.busName, input.name)?.record;
      const state = input.state ?? "ENABLED";
      const record: EventRuleRecord = {
        busName: input.busName,
        name: input.name,
        arn: ruleArn(this.#o.scope, input.busName, input.name),
        eventPattern: input.eventPattern,
        scheduleExpression: input.scheduleExpression,
        state,
        description: input.description,
        roleArn: input.roleArn,
        createdAt: existing?.createdAt ?? now,
        // A rate counts again from when the rule (or its schedule) changed or was enabled.
        enabledAt:
          existing && existing.state === state && existing.scheduleExpression === input.scheduleExpression
            ? existing.enabledAt
            : now,
        targets: existing?.targets ?? [],
        tags: existing ? existing.tags : (input.tags ?? {}),
      };
      await this.#saveRule(record);
      return record;
    });
  }

  deleteRule(busName: string, name: string, force: boolean): Promise<void> {
    return this.#write(async () => {
      this.bus(busName);
      const rule = this.cache.get(busName, name);
      if (!rule) return;
      if (rule.record.targets.length > 0 && !force) throw invalid("Rule can't be deleted since it has targets.");
      await this.#o.store.deleteRule(busName, name);
      this.cache.delete(busName, name);
    });
  }

  setRuleState(busName: string, name: string, state: "ENABLED" | "DISABLED"): Promise<void> {
    return this.#write(async () => {
      const rule = this.rule(busName, name).record;
      if (rule.state === state) return;
      await this.#saveRule({ ...rule, state, enabledAt: this.#o.clock.now() });
    });
  }

  updateRuleTags(busName: string, name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return this.#write(() => this.#saveRule({ ...this.rule(busName, name).record, tags }));
  }

  /** Adds or replaces targets by id (their own checks were made by the caller; here those against the rule). */
  putTargets(busName: string, name: string, targets: readonly RuleTargetRecord[]): Promise<void> {
    return this.#write(async () => {
      const rule = this.rule(busName, name).record;
      for (const t of targets) checkTargetScope(this.#o.scope, busName, t);
      const byId = new Map(rule.targets.map((t) => [t.id, t]));
      for (const t of targets) byId.set(t.id, t);
      if (byId.size > MAX_TARGETS_PER_RULE) {
        throw new PlatformError(
          "ERR_EVENTS_LIMIT_EXCEEDED",
          `The requested resource exceeds the maximum number allowed.`,
        );
      }
      await this.#saveRule({ ...rule, targets: [...byId.values()] });
    });
  }

  /** Removes targets by id; returns the ids that were not there. */
  removeTargets(busName: string, name: string, ids: readonly string[]): Promise<string[]> {
    return this.#write(async () => {
      const rule = this.rule(busName, name).record;
      const known = new Set(rule.targets.map((t) => t.id));
      await this.#saveRule({ ...rule, targets: rule.targets.filter((t) => !ids.includes(t.id)) });
      return ids.filter((id) => !known.has(id));
    });
  }

  /** Stores a rule record as given (Scheduler's schedules, which have no bus to check). */
  saveRuleRecord(record: EventRuleRecord): Promise<void> {
    return this.#write(() => this.#saveRule(record));
  }

  /** Deletes a rule record without the checks of DeleteRule (Scheduler's schedules). */
  deleteRuleRecord(busName: string, name: string): Promise<void> {
    return this.#write(async () => {
      await this.#o.store.deleteRule(busName, name);
      this.cache.delete(busName, name);
    });
  }

  /** Stores a new schedule group (kept as a bus named `aws.scheduler/<group>`); false when it exists. */
  createGroup(group: EventBusRecord): Promise<boolean> {
    return this.#write(async () => {
      if (!(await this.#o.store.insertBus(group))) return false;
      this.cache.groups.set(group.name.slice(GROUP_PREFIX.length), group);
      return true;
    });
  }

  /** Replaces a schedule group's tags. */
  updateGroupTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return this.#write(async () => {
      const group = this.cache.groups.get(name);
      if (!group) return;
      await this.#o.store.updateBus({ ...group, tags });
      this.cache.groups.set(name, { ...group, tags });
    });
  }

  /** Deletes a schedule group with its schedules. */
  deleteGroup(name: string): Promise<void> {
    return this.#write(async () => {
      await this.#o.store.deleteBus(GROUP_PREFIX + name);
      this.cache.deleteBus(GROUP_PREFIX + name);
      this.cache.groups.delete(name);
    });
  }

  /** Records that a rule's schedule fired `tick`; false when another node (or run) already did. */
  async claimTick(rule: CompiledRule, tick: number): Promise<boolean> {
    const r = rule.record;
    if (await this.#o.store.claimFiring(r.busName, r.name, rule.lastFiredAt, tick)) {
      rule.lastFiredAt = tick;
      return true;
    }
    // Someone else fired it: learn the stored last firing, so the next claim compares with it.
    const stored = await this.#o.store.getRule(r.busName, r.name);
    if (stored) rule.lastFiredAt = stored.lastFiredAt;
    return false;
  }

  async #saveRule(record: EventRuleRecord): Promise<void> {
    await this.#o.store.saveRule(record);
    const previous = this.cache.get(record.busName, record.name);
    const compiled = compileRule({ rule: record, lastFiredAt: previous?.lastFiredAt });
    this.cache.put(compiled);
  }

  #write<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run.then((v) => {
      this.#o.onChange?.();
      return v;
    });
  }
}
