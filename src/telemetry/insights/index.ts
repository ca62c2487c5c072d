export { parseQuery, MAX_LIMIT } from "./parser.js";
export { QuerySyntaxError, positionOf } from "./errors.js";
export { runQuery, columnsOf, DEFAULT_LIMIT, type QueryStatistics, type ResultRow, type RunOptions } from "./engine.js";
export { prefilterOf, type Prefilter } from "./prefilter.js";
export type { Query } from "./ast.js";
