export {
  AsyncInvoker,
  type AsyncEventQueue,
  type AsyncInvokerOptions,
  type AsyncResultHandler,
  type EventFailure,
} from "./async-invoker.js";
export type * from "./async-settings.js";
export {
  createAsyncResults,
  destinationRecord,
  type AsyncResultsOptions,
  type ResultMessage,
} from "./async-results.js";
