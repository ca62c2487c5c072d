/**
 * The store of EventBridge event buses and rules (with their targets). Rules are kept whole, as
 * JSON bodies: the bus service caches them compiled and writes a rule back on every change. A
 * scheduled rule's last firing is kept beside its body, changed only by a compare-and-set, so that
 * a tick is fired once even when a new leader takes over or the node restarts.
 */

/** An event bus. */
export interface EventBusRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string | undefined;
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** InputTransformer as AWS takes it. */
export interface InputTransformerRecord {
  readonly inputPathsMap?: Readonly<Record<string, string>> | undefined;
  readonly inputTemplate: string;
}

/** A target of a rule. */
export interface RuleTargetRecord {
  readonly id: string;
  readonly arn: string;
  readonly input?: string | undefined;
  readonly inputPath?: string | undefined;
  readonly inputTransformer?: InputTransformerRecord | undefined;
  readonly roleArn?: string | undefined;
  /** A FIFO queue target's message group. */
  readonly sqsParameters?: { readonly messageGroupId: string } | undefined;
  /** A Kinesis stream target's partition key: a JSON path into the event (absent: the event's id). */
  readonly kinesisParameters?: { readonly partitionKeyPath: string } | undefined;
  /** RetryPolicy as given (a member left out takes AWS's default: 185 retries, 86400 s). */
  readonly retryPolicy?: TargetRetryPolicy | undefined;
  /** DeadLetterConfig: the SQS queue a delivery that failed for good goes to. */
  readonly deadLetterConfig?: { readonly arn: string } | undefined;
}

/** A target's RetryPolicy as PutTargets took it. */
export interface TargetRetryPolicy {
  readonly maximumRetryAttempts?: number | undefined;
  readonly maximumEventAgeInSeconds?: number | undefined;
}

/** A rule: an event pattern and/or a schedule expression, its state and its targets. */
export interface EventRuleRecord {
  readonly busName: string;
  readonly name: string;
  readonly arn: string;
  readonly eventPattern?: string | undefined;
  readonly scheduleExpression?: string | undefined;
  readonly state: "ENABLED" | "DISABLED";
  readonly description?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly createdAt: number;
  /** When the rule was last created or enabled: where its rate counts from. */
  readonly enabledAt: number;
  readonly targets: readonly RuleTargetRecord[];
  readonly tags: Readonly<Record<string, string>>;
  /**
   * An EventBridge Scheduler schedule kept as a rule (on the pseudo bus `aws.scheduler/<group>`):
   * its time zone, what happens after its last firing, and when it was last changed.
   */
  readonly schedule?: SchedulerFields | undefined;
}

/** What a Scheduler schedule has beyond a scheduled rule. */
export interface SchedulerFields {
  readonly groupName: string;
  readonly timezone: string;
  readonly actionAfterCompletion: "NONE" | "DELETE";
  readonly modifiedAt: number;
  /** A recurring schedule fires no tick before StartDate nor after EndDate (epoch ms; one-time ones ignore both). */
  readonly startDate?: number | undefined;
  readonly endDate?: number | undefined;
  /** FlexibleTimeWindow FLEXIBLE: each invocation at a random time this long at most after its tick. */
  readonly flexibleWindowMinutes?: number | undefined;
  /** The target's templated parameters (its kind is the target ARN's). */
  readonly targetParameters?: ScheduleTargetParameters | undefined;
}

/** SqsParameters, KinesisParameters and EventBridgeParameters of a schedule's target. */
export interface ScheduleTargetParameters {
  readonly messageGroupId?: string | undefined;
  readonly partitionKey?: string | undefined;
  readonly eventBridge?: { readonly detailType: string; readonly source: string } | undefined;
}

/** A stored rule with the last tick its schedule fired (undefined: never). */
export interface StoredRule {
  readonly rule: EventRuleRecord;
  readonly lastFiredAt: number | undefined;
}

/**
 * A delivery to a target that failed and waits for its next try (EventBridge's RetryPolicy): the
 * event as the bus had it, kept until it is delivered, dead-lettered or dropped.
 */
export interface TargetRetryRecord {
  readonly id: string;
  readonly busName: string;
  readonly ruleName: string;
  readonly targetId: string;
  /** The event's JSON. */
  readonly event: string;
  readonly ingestionTime: string;
  /** When the event was first tried (ms): its age counts from there. */
  readonly firstAttemptAt: number;
  /** Retries made so far. */
  readonly retryAttempts: number;
  /** When the next try is due. */
  readonly dueAt: number;
  /** The last failure, in EventBridge's DLQ words. */
  readonly lastErrorCode: string;
  readonly lastErrorMessage: string;
  /** The buses the event was passed on from (a bus target never passes it back). */
  readonly via?: readonly string[] | undefined;
}

/** A claim on due retries. */
export interface RetryClaim {
  readonly now: number;
  readonly limit: number;
  readonly leaseMs: number;
  readonly owner: string;
}

/** Buses and rules; see the file comment. */
export interface BusStore {
  /** Inserts a bus; false when the name is taken. */
  insertBus(bus: EventBusRecord): Promise<boolean>;
  /** Replaces a stored bus (its description or tags). */
  updateBus(bus: EventBusRecord): Promise<void>;
  /** Every bus, in name order. */
  listBuses(): Promise<EventBusRecord[]>;
  /** Deletes a bus and its rules; false when there was none. */
  deleteBus(name: string): Promise<boolean>;
  /** Inserts or replaces a rule; its last firing is kept. */
  saveRule(rule: EventRuleRecord): Promise<void>;
  /** One rule, or undefined. */
  getRule(busName: string, name: string): Promise<StoredRule | undefined>;
  /** Every rule of every bus, by bus then name. */
  listRules(): Promise<StoredRule[]>;
  /** Deletes a rule; false when there was none. */
  deleteRule(busName: string, name: string): Promise<boolean>;
  /**
   * Records that the rule's schedule fired the tick `firedAt`, only if its last firing is still
   * `previous` (undefined: never): false when another node (or an earlier run) took the tick.
   */
  claimFiring(busName: string, name: string, previous: number | undefined, firedAt: number): Promise<boolean>;
  /** Stores a failed delivery's next try. */
  insertRetry(retry: TargetRetryRecord): Promise<void>;
  /**
   * Claims up to `limit` due retries (due, and not claimed or with an expired claim) for `owner`
   * until `now + leaseMs`, oldest due first: nodes claiming at once never take the same one.
   */
  claimRetries(claim: RetryClaim): Promise<TargetRetryRecord[]>;
  /** Replaces a claimed retry (its next try) and releases the claim; false when `owner` no longer holds it. */
  updateRetry(retry: TargetRetryRecord, owner: string): Promise<boolean>;
  /** Deletes a claimed retry (delivered, dead-lettered or dropped); false when `owner` no longer holds it. */
  deleteRetry(id: string, owner: string): Promise<boolean>;
  /** When the next retry becomes claimable (due time, or claim expiry), or undefined if none waits. */
  nextRetryDueAt(): Promise<number | undefined>;
  close(): Promise<void>;
}
