/** The write thread of a SQLite metric store: a flush's points and the retention deletes, in order. */
import { applyMetricWrite, type MetricWrite } from "./metric-write.js";
import { serveWrites } from "./write-thread-serve.js";

serveWrites<MetricWrite>((db) => (w) => applyMetricWrite(db, w));
