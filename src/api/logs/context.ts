import type { LogStore } from "../../ports/log-store.js";
import type { Clock } from "../../shared/clock.js";
import type { InsightsQueries } from "./insights.js";

/** What the Logs API's handlers work with. */
export interface LogsContext {
  readonly store: LogStore;
  readonly clock: Clock;
  /** `arn:aws:logs:<region>:<account>:log-group:<name>` */
  readonly groupArn: (name: string) => string;
  /** The node's Logs Insights queries. */
  readonly queries: InsightsQueries;
}
