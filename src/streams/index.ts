export { StreamService, type StreamServiceOptions } from "./stream-service.js";
export type { StreamAdmin, CreateStreamInput } from "./stream-admin.js";
export type { StreamRecords, PutEntry, PutResult, ReadRecord, ReadResult, IteratorType } from "./stream-records.js";
export { formatSequenceNumber, parseSequenceNumber } from "./sequence-numbers.js";
export { hashKeyOf, shardIdOf, shardIndexOf, evenRanges } from "./hash-keys.js";
export { ITERATOR_TTL_MS } from "./iterators.js";
export { constraint, invalidArgument, type StreamScope } from "./errors.js";
