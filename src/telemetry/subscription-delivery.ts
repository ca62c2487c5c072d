/**
 * Delivers what subscription filters match, off the path of the log writer: every `everyMs` the
 * deliverer reads each filter's group from its cursor (events in arrival order), keeps the events
 * its pattern matches, sends them to the destination as CloudWatch Logs does (a gzipped
 * DATA_MESSAGE per log stream) and moves the cursor past them. A destination that fails keeps its
 * cursor (the batch is sent again next time) and holds back nothing else; ingest never waits on it.
 * As CloudWatch Logs does, a batch is retried for up to 24 hours, and not at all when the failure
 * cannot pass by retrying (the destination is gone, or the filter's role may not deliver to it).
 * In a cluster only the leader delivers, and the cursor moves by compare-and-set.
 */
import { gzipSync } from "node:zlib";
import type { LogStore, StoredLogEvent, SubscriptionFilterState } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import { parseFilterPattern, type MessageMatcher } from "./filter-pattern.js";

/** Events read per filter per round (CloudWatch Logs' PutLogEvents batch size). */
const EVENTS_PER_READ = 10_000;
/** Raw message bytes per delivery: its gzipped, base64'd event stays under Lambda's 256 KB async payload. */
const BYTES_PER_DELIVERY = 150_000;

/** How long a batch that keeps failing is sent again before it is dropped (CloudWatch Logs: 24 hours). */
export const SUBSCRIPTION_RETRY_MS = 24 * 3600_000;

/** A failure that retrying cannot mend (AccessDenied, ResourceNotFound): the batch is dropped. */
export class UndeliverableError extends Error {}

/** One delivery: the gzipped DATA_MESSAGE of one log stream's matching events. */
export interface SubscriptionBatch {
  readonly filter: SubscriptionFilterState;
  readonly logStream: string;
  /** gzip(JSON DATA_MESSAGE) */
  readonly data: Buffer;
}

/** What SubscriptionDelivery is built from. */
export interface SubscriptionDeliveryOptions {
  readonly store: LogStore;
  readonly clock: Clock;
  /** The account that owns the log groups (the message's `owner`). */
  readonly accountId: string;
  /** Sends a batch to its filter's destination; rejects when it could not. */
  readonly send: (batch: SubscriptionBatch) => Promise<void>;
  /** How often filters are looked at (default 1 000 ms). */
  readonly everyMs?: number | undefined;
  /** Events ingested less than this long ago wait (a cluster's concurrent batches commit out of id order); default 0. */
  readonly settleMs?: number | undefined;
  /** Only the leader delivers (default: always). */
  readonly isLeader?: (() => boolean) | undefined;
  readonly onError: (message: string, error?: unknown) => void;
  /** CloudWatch Logs' subscription metrics: a batch forwarded (events, compressed bytes), or events that met an error. */
  readonly onMetric?: ((filter: SubscriptionFilterState, m: SubscriptionMetric) => void) | undefined;
}

/** What one delivery attempt adds to AWS/Logs ForwardedLogEvents, ForwardedBytes or DeliveryErrors. */
export type SubscriptionMetric =
  | { readonly name: "ForwardedLogEvents" | "ForwardedBytes"; readonly value: number }
  | { readonly name: "DeliveryErrors"; readonly value: number };

/** The gzipped DATA_MESSAGE CloudWatch Logs sends for `events` of one stream. */
export function dataMessage(
  o: { owner: string; filter: SubscriptionFilterState; logStream: string },
  events: readonly StoredLogEvent[],
): Buffer {
  const message = {
    messageType: "DATA_MESSAGE",
    owner: o.owner,
    logGroup: o.filter.groupName,
    logStream: o.logStream,
    subscriptionFilters: [o.filter.name],
    logEvents: events.map((e) => ({ id: String(e.id).padStart(56, "0"), timestamp: e.timestamp, message: e.message })),
  };
  return gzipSync(JSON.stringify(message));
}

/** The batches of a filter's matching events: per stream, in arrival order, each under BYTES_PER_DELIVERY. */
function batchesOf(events: readonly StoredLogEvent[]): StoredLogEvent[][] {
  const out: StoredLogEvent[][] = [];
  const open = new Map<string, { events: StoredLogEvent[]; bytes: number }>();
  for (const e of events) {
    let b = open.get(e.streamName);
    if (!b || b.bytes + e.message.length > BYTES_PER_DELIVERY) {
      b = { events: [], bytes: 0 };
      open.set(e.streamName, b);
      out.push(b.events);
    }
    b.events.push(e);
    b.bytes += e.message.length + 64;
  }
  return out;
}

/** The node's subscription filter deliverer; `start()` once, `stop()` before the log store closes. */
export class SubscriptionDelivery {
  readonly #o: SubscriptionDeliveryOptions;
  readonly #matchers = new Map<string, MessageMatcher>();
  /** Filters whose destination is failing (reported once until it works again). */
  readonly #failing = new Set<string>();
  #cancelTimer: (() => void) | undefined;
  #round: Promise<void> = Promise.resolve();
  #running = false;

  constructor(options: SubscriptionDeliveryOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    this.#schedule();
  }

  /** One round now; resolves when it (and any round under way) is done. */
  deliverNow(): Promise<void> {
    this.#round = this.#round.then(() => this.#deliverAll());
    return this.#round;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#round;
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      this.#cancelTimer = undefined;
      void this.deliverNow().finally(() => this.#schedule());
    }, this.#o.everyMs ?? 1000);
  }

  async #deliverAll(): Promise<void> {
    if (this.#o.isLeader && !this.#o.isLeader()) return;
    try {
      for (const filter of await this.#o.store.listSubscriptionFilters()) await this.#deliver(filter);
    } catch (e) {
      this.#o.onError("subscription filters could not be read", e);
    }
  }

  /** Reads from the cursor until the group is drained or the destination fails. */
  async #deliver(filter: SubscriptionFilterState): Promise<void> {
    const ingestedBefore = this.#o.clock.now() - (this.#o.settleMs ?? 0);
    let cursor = filter.cursor;
    for (;;) {
      const events = await this.#o.store.readEventsSince(filter.groupName, cursor, {
        limit: EVENTS_PER_READ,
        ingestedBefore,
      });
      if (events.length === 0) return;
      const matches = this.#matcherOf(filter.filterPattern);
      const delivered = await this.#send(
        filter,
        events.filter((e) => matches(e.message)),
      );
      if (!delivered) return;
      const last = (events[events.length - 1] as StoredLogEvent).id;
      // Another node moved it (a change of leader) or the filter is gone: leave the group to it.
      if (!(await this.#o.store.advanceSubscriptionCursor(filter.groupName, filter.name, cursor, last))) return;
      cursor = last;
      if (events.length < EVENTS_PER_READ) return;
    }
  }

  /** Sends each batch; false (the cursor stays) when one failed. */
  async #send(filter: SubscriptionFilterState, matched: readonly StoredLogEvent[]): Promise<boolean> {
    const key = `${filter.groupName}\n${filter.name}`;
    try {
      for (const events of batchesOf(matched)) {
        const logStream = (events[0] as StoredLogEvent).streamName;
        const data = dataMessage({ owner: this.#o.accountId, filter, logStream }, events);
        try {
          await this.#o.send({ filter, logStream, data });
        } catch (e) {
          this.#o.onMetric?.(filter, { name: "DeliveryErrors", value: events.length });
          throw e;
        }
        this.#o.onMetric?.(filter, { name: "ForwardedLogEvents", value: events.length });
        this.#o.onMetric?.(filter, { name: "ForwardedBytes", value: data.length });
      }
      this.#failing.delete(key);
      return true;
    } catch (e) {
      const oldest = matched[0]?.ingestionTime ?? this.#o.clock.now();
      const expired = this.#o.clock.now() - oldest > SUBSCRIPTION_RETRY_MS;
      if (e instanceof UndeliverableError || expired) {
        this.#failing.delete(key);
        this.#o.onError(
          `subscription filter ${filter.name} of ${filter.groupName} dropped ${matched.length} events for ${filter.destinationArn}` +
            (expired ? " (retried for 24 hours)" : ""),
          e,
        );
        return true;
      }
      if (!this.#failing.has(key)) {
        this.#failing.add(key);
        this.#o.onError(
          `subscription filter ${filter.name} of ${filter.groupName} cannot deliver to ${filter.destinationArn} (retried)`,
          e,
        );
      }
      return false;
    }
  }

  #matcherOf(pattern: string): MessageMatcher {
    let m = this.#matchers.get(pattern);
    if (!m) {
      m = parseFilterPattern(pattern);
      if (this.#matchers.size > 1000) this.#matchers.clear();
      this.#matchers.set(pattern, m);
    }
    return m;
  }
}
