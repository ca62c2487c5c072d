import type { EventColumns, LogAppender } from "./log-append.js";
import { WriteThread } from "./write-thread.js";

/** The work of a log store's append thread: a batch to append, or dropping its cached ids. */
export type AppendWork =
  | { readonly batch: EventColumns; readonly ingestionTime: number; readonly create: boolean }
  | { readonly forget: true };

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
    fallback: (w) => {
      if ("forget" in w) o.appender.forget();
      else o.appender.append(w.batch, w.ingestionTime, w.create);
      return 0;
    },
    onCrash: o.onCrash,
  });
}
