export { MappingService, type MappingServiceOptions } from "./mapping-service.js";
export { MappingRunner, type MappingRunnerOptions } from "./mapping-runner.js";
export { mappingArn } from "./mapping-view.js";
export { SqsSourceKind } from "./sqs-source.js";
export { KinesisSourceKind } from "./kinesis-source.js";
export type { EventSourceKind, MappedFunction, MappingFunctions, MappingWorker, WorkerContext } from "./types.js";
