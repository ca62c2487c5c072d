import { applyMetricWrite, type MetricWrite } from "./metric-write.js";
import type { Database } from "better-sqlite3";
import { WriteThread } from "./write-thread.js";

/** Starts a metric store's write thread; the store's connection `db` takes over if it dies. */
export function startMetricWriteThread(o: {
  readonly path: string;
  readonly db: Database;
  readonly onCrash: (error: Error) => void;
}): WriteThread<MetricWrite> {
  return new WriteThread<MetricWrite>({
    module: new URL("./metric-write-thread.js", import.meta.url),
    path: o.path,
    name: "metric write thread",
    fallback: (w) => applyMetricWrite(o.db, w),
    onCrash: o.onCrash,
  });
}
