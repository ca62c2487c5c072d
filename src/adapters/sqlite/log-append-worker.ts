import type { LogBatch } from "../../domain/log-batch.js";
import type { EventColumns, LogAppender } from "./log-append.js";
import { WriteThread } from "./write-thread.js";

/**
 * The work of a log store's append thread: a batch of events to append, a log writer's batch (its
 * records stored raw, a row per stream, their groups and streams made), or dropping its cached ids.
 */
export type AppendWork =
  | { readonly batch: EventColumns; readonly ingestionTime: number; readonly create: boolean }
  | { readonly records: LogBatch; readonly ingestionTime: number }
  | { readonly forget: true };

/** Runs `w` on `appender` (the thread's connection, or the store's when the thread is gone). */
export function runAppendWork(appender: LogAppender, w: AppendWork): number {
  if ("forget" in w) appender.forget();
  else if ("records" in w) appender.appendBatch(w.records, w.ingestionTime);
  else appender.append(w.batch, w.ingestionTime, w.create);
  return 0;
}

/** Starts a log store's append thread; `appender` (the store's connection) takes over if it dies. */
export function startAppendThread(o: {
  readonly path: string;
  readonly appender: LogAppender;
  readonly onCrash: (error: Error) => void;
}): WriteThread<AppendWork> {
  return new WriteThread<AppendWork>({
    module: new URL("./log-append-thread.js", import.meta.url),
    path: o.path,
    name: "log append thread",
    fallback: (w) => runAppendWork(o.appender, w),
    onCrash: o.onCrash,
  });
}
