/** Kinesis's errors, in its words. */
import { PlatformError } from "../shared/errors.js";

/** Who owns a stream, for messages (`under account 000000000000`). */
export interface StreamScope {
  readonly region: string;
  readonly accountId: string;
}

/** ResourceNotFoundException for a stream. */
export function noStream(scope: StreamScope, name: string): PlatformError {
  return new PlatformError(
    "ERR_KINESIS_RESOURCE_NOT_FOUND",
    `Stream ${name} under account ${scope.accountId} not found.`,
  );
}

/** ResourceNotFoundException for a shard. */
export function noShard(scope: StreamScope, stream: string, shardId: string): PlatformError {
  return new PlatformError(
    "ERR_KINESIS_RESOURCE_NOT_FOUND",
    `Shard ${shardId} in stream ${stream} under account ${scope.accountId} does not exist`,
  );
}

/** InvalidArgumentException. */
export function invalidArgument(message: string): PlatformError {
  return new PlatformError("ERR_KINESIS_INVALID_ARGUMENT", message);
}

/** ValidationException in the model's words for one member. */
export function constraint(value: string | number | undefined, member: string, rule: string): PlatformError {
  const shown = value === undefined ? "null" : `'${value}'`;
  return new PlatformError(
    "ERR_KINESIS_VALIDATION",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

/** ResourceInUseException for a stream that is not ACTIVE. */
export function notActive(scope: StreamScope, name: string, status: string): PlatformError {
  return new PlatformError(
    "ERR_KINESIS_RESOURCE_IN_USE",
    `Stream ${name} under account ${scope.accountId} not ACTIVE, instead in state ${status}`,
  );
}
