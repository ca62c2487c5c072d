import type { LogStore } from "../../ports/log-store.js";
import type { Clock } from "../../shared/clock.js";
import type { InsightsQueries } from "./insights.js";

/** Where subscription filters may deliver: the node's functions and streams. */
export interface SubscriptionDestinations {
  /**
   * Resolves when `destinationArn` can take `groupName`'s events (the function exists and lets
   * CloudWatch Logs invoke it; the stream exists and `roleArn` may put records into it); otherwise
   * throws AWS's InvalidParameterException.
   */
  check(destinationArn: string, groupName: string, roleArn: string | undefined): Promise<void>;
}

/** What the Logs API's handlers work with. */
export interface LogsContext {
  readonly store: LogStore;
  readonly clock: Clock;
  /** `arn:aws:logs:<region>:<account>:log-group:<name>` */
  readonly groupArn: (name: string) => string;
  /** The node's Logs Insights queries. */
  readonly queries: InsightsQueries;
  /** Without it (a context of the stack engine), every subscription destination is refused. */
  readonly destinations?: SubscriptionDestinations | undefined;
}
