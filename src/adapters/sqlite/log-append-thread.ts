/** The append thread of a SQLite log store: the batches the store posts, appended in order. */
import { LogAppender } from "./log-append.js";
import { runAppendWork, type AppendWork } from "./log-append-worker.js";
import { serveWrites } from "./write-thread-serve.js";

serveWrites<AppendWork>((db) => {
  const appender = new LogAppender(db);
  return (w) => runAppendWork(appender, w);
});
