/**
 * Platform errors. Every error the platform raises carries a stable code from this closed set;
 * one table maps the code to the AWS error type and HTTP status that clients see.
 * docs/errors.md lists them. Codes are never reused for another meaning.
 */
export const ERROR_TABLE = {
  ERR_FUNCTION_NOT_FOUND: { type: "ResourceNotFoundException", status: 404 },
  ERR_RESOURCE_NOT_FOUND: { type: "ResourceNotFoundException", status: 404 },
  ERR_RESOURCE_CONFLICT: { type: "ResourceConflictException", status: 409 },
  ERR_RESOURCE_IN_USE: { type: "ResourceInUseException", status: 400 },
  ERR_INVALID_PARAMETER: { type: "InvalidParameterValueException", status: 400 },
  ERR_INVALID_REQUEST_CONTENT: { type: "InvalidRequestContentException", status: 400 },
  ERR_VALIDATION: { type: "ValidationException", status: 400 },
  ERR_PRECONDITION_FAILED: { type: "PreconditionFailedException", status: 412 },
  ERR_REQUEST_TOO_LARGE: { type: "RequestEntityTooLargeException", status: 413 },
  ERR_TOO_MANY_REQUESTS: { type: "TooManyRequestsException", status: 429 },
  ERR_INVALID_RUNTIME: { type: "InvalidRuntimeException", status: 502 },
  ERR_CODE_STORAGE_EXCEEDED: { type: "CodeStorageExceededException", status: 400 },
  ERR_UNRECOGNIZED_CLIENT: { type: "UnrecognizedClientException", status: 403 },
  ERR_INVALID_SIGNATURE: { type: "InvalidSignatureException", status: 403 },
  ERR_MISSING_AUTHENTICATION_TOKEN: { type: "MissingAuthenticationTokenException", status: 403 },
  ERR_INCOMPLETE_SIGNATURE: { type: "IncompleteSignatureException", status: 403 },
  ERR_ACCESS_DENIED: { type: "AccessDeniedException", status: 403 },
  ERR_UNKNOWN_OPERATION: { type: "UnknownOperationException", status: 404 },
  ERR_NOT_FOUND: { type: "NotFoundException", status: 404 },
  ERR_BAD_REQUEST: { type: "BadRequestException", status: 400 },
  ERR_CONFLICT: { type: "ConflictException", status: 409 },
  ERR_SERVICE: { type: "ServiceException", status: 500 },
  ERR_LOGS_NOT_FOUND: { type: "ResourceNotFoundException", status: 400 },
  ERR_LOGS_ALREADY_EXISTS: { type: "ResourceAlreadyExistsException", status: 400 },
  ERR_LOGS_INVALID_PARAMETER: { type: "InvalidParameterException", status: 400 },
  ERR_IAM_NO_SUCH_ENTITY: { type: "NoSuchEntity", status: 404 },
  ERR_IAM_ENTITY_EXISTS: { type: "EntityAlreadyExists", status: 409 },
  ERR_IAM_MALFORMED_POLICY: { type: "MalformedPolicyDocument", status: 400 },
  ERR_IAM_LIMIT_EXCEEDED: { type: "LimitExceeded", status: 409 },
  ERR_IAM_DELETE_CONFLICT: { type: "DeleteConflict", status: 409 },
  ERR_IAM_VALIDATION: { type: "ValidationError", status: 400 },
  ERR_IAM_INVALID_ACTION: { type: "InvalidAction", status: 400 },
  ERR_EXPIRED_TOKEN: { type: "ExpiredTokenException", status: 403 },
  ERR_TEMPLATE_VALIDATION: { type: "ValidationError", status: 400 },
  ERR_STORE_UNAVAILABLE: { type: "ServiceException", status: 500 },
  ERR_CW_INVALID_PARAMETER: { type: "InvalidParameterValueException", status: 400 },
  ERR_CW_MISSING_PARAMETER: { type: "MissingRequiredParameterException", status: 400 },
  ERR_CW_INVALID_COMBINATION: { type: "InvalidParameterCombinationException", status: 400 },
  ERR_CW_RESOURCE_NOT_FOUND: { type: "ResourceNotFound", status: 404 },
  ERR_CW_INVALID_FORMAT: { type: "InvalidFormatFault", status: 400 },
  ERR_CW_INVALID_NEXT_TOKEN: { type: "InvalidNextToken", status: 400 },
  ERR_CW_INVALID_ACTION: { type: "InvalidAction", status: 400 },
  ERR_CFN_VALIDATION: { type: "ValidationError", status: 400 },
  ERR_CFN_ALREADY_EXISTS: { type: "AlreadyExistsException", status: 400 },
  ERR_CFN_CHANGE_SET_NOT_FOUND: { type: "ChangeSetNotFound", status: 404 },
  ERR_CFN_INVALID_CHANGE_SET_STATUS: { type: "InvalidChangeSetStatus", status: 400 },
  ERR_CFN_INSUFFICIENT_CAPABILITIES: { type: "InsufficientCapabilitiesException", status: 400 },
  ERR_S3_NO_SUCH_BUCKET: { type: "NoSuchBucket", status: 404 },
  ERR_S3_NO_SUCH_KEY: { type: "NoSuchKey", status: 404 },
  ERR_S3_BUCKET_EXISTS: { type: "BucketAlreadyOwnedByYou", status: 409 },
  ERR_S3_BUCKET_NOT_EMPTY: { type: "BucketNotEmpty", status: 409 },
  ERR_S3_INVALID_BUCKET_NAME: { type: "InvalidBucketName", status: 400 },
  ERR_S3_BAD_DIGEST: { type: "BadDigest", status: 400 },
  ERR_S3_INVALID_REQUEST: { type: "InvalidRequest", status: 400 },
  ERR_S3_NOT_IMPLEMENTED: { type: "NotImplemented", status: 501 },
  ERR_EVENTS_RESOURCE_NOT_FOUND: { type: "ResourceNotFoundException", status: 400 },
  ERR_EVENTS_RESOURCE_EXISTS: { type: "ResourceAlreadyExistsException", status: 400 },
  ERR_EVENTS_VALIDATION: { type: "ValidationException", status: 400 },
  ERR_EVENTS_INVALID_PATTERN: { type: "InvalidEventPatternException", status: 400 },
  ERR_EVENTS_LIMIT_EXCEEDED: { type: "LimitExceededException", status: 400 },
  ERR_EVENTS_UNKNOWN_OPERATION: { type: "UnknownOperationException", status: 400 },
  ERR_EVENTS_SERIALIZATION: { type: "SerializationException", status: 400 },
  ERR_SCHEDULER_NOT_FOUND: { type: "ResourceNotFoundException", status: 404 },
  ERR_SCHEDULER_CONFLICT: { type: "ConflictException", status: 409 },
  ERR_SCHEDULER_VALIDATION: { type: "ValidationException", status: 400 },
  ERR_SQS_QUEUE_DOES_NOT_EXIST: { type: "QueueDoesNotExist", status: 400 },
  ERR_SQS_QUEUE_NAME_EXISTS: { type: "QueueNameExists", status: 400 },
  ERR_SQS_INVALID_ATTRIBUTE_NAME: { type: "InvalidAttributeName", status: 400 },
  ERR_SQS_INVALID_ATTRIBUTE_VALUE: { type: "InvalidAttributeValue", status: 400 },
  ERR_SQS_INVALID_PARAMETER_VALUE: { type: "InvalidParameterValue", status: 400 },
  ERR_SQS_MISSING_PARAMETER: { type: "MissingParameter", status: 400 },
  ERR_SQS_INVALID_ADDRESS: { type: "InvalidAddress", status: 404 },
  ERR_SQS_RECEIPT_HANDLE_INVALID: { type: "ReceiptHandleIsInvalid", status: 400 },
  ERR_SQS_MESSAGE_NOT_INFLIGHT: { type: "MessageNotInflight", status: 400 },
  ERR_SQS_INVALID_MESSAGE_CONTENTS: { type: "InvalidMessageContents", status: 400 },
  ERR_SQS_EMPTY_BATCH: { type: "EmptyBatchRequest", status: 400 },
  ERR_SQS_TOO_MANY_ENTRIES: { type: "TooManyEntriesInBatchRequest", status: 400 },
  ERR_SQS_BATCH_IDS_NOT_DISTINCT: { type: "BatchEntryIdsNotDistinct", status: 400 },
  ERR_SQS_INVALID_BATCH_ENTRY_ID: { type: "InvalidBatchEntryId", status: 400 },
  ERR_SQS_BATCH_TOO_LONG: { type: "BatchRequestTooLong", status: 400 },
  ERR_SQS_PURGE_IN_PROGRESS: { type: "PurgeQueueInProgress", status: 403 },
  ERR_SQS_UNSUPPORTED_OPERATION: { type: "UnsupportedOperation", status: 400 },
  ERR_SQS_INVALID_ACTION: { type: "InvalidAction", status: 400 },
  ERR_KINESIS_RESOURCE_NOT_FOUND: { type: "ResourceNotFoundException", status: 400 },
  ERR_KINESIS_RESOURCE_IN_USE: { type: "ResourceInUseException", status: 400 },
  ERR_KINESIS_INVALID_ARGUMENT: { type: "InvalidArgumentException", status: 400 },
  ERR_KINESIS_EXPIRED_ITERATOR: { type: "ExpiredIteratorException", status: 400 },
  ERR_KINESIS_LIMIT_EXCEEDED: { type: "LimitExceededException", status: 400 },
  ERR_KINESIS_VALIDATION: { type: "ValidationException", status: 400 },
  ERR_KINESIS_SERIALIZATION: { type: "SerializationException", status: 400 },
  ERR_KINESIS_UNKNOWN_OPERATION: { type: "UnknownOperationException", status: 400 },
  ERR_CODEDEPLOY_APPLICATION_NAME_REQUIRED: { type: "ApplicationNameRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_APPLICATION_NAME: { type: "InvalidApplicationNameException", status: 400 },
  ERR_CODEDEPLOY_APPLICATION_EXISTS: { type: "ApplicationAlreadyExistsException", status: 400 },
  ERR_CODEDEPLOY_APPLICATION_NOT_FOUND: { type: "ApplicationDoesNotExistException", status: 400 },
  ERR_CODEDEPLOY_INVALID_COMPUTE_PLATFORM: { type: "InvalidComputePlatformException", status: 400 },
  ERR_CODEDEPLOY_GROUP_NAME_REQUIRED: { type: "DeploymentGroupNameRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_GROUP_NAME: { type: "InvalidDeploymentGroupNameException", status: 400 },
  ERR_CODEDEPLOY_GROUP_EXISTS: { type: "DeploymentGroupAlreadyExistsException", status: 400 },
  ERR_CODEDEPLOY_GROUP_NOT_FOUND: { type: "DeploymentGroupDoesNotExistException", status: 400 },
  ERR_CODEDEPLOY_ROLE_REQUIRED: { type: "RoleRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_ROLE: { type: "InvalidRoleException", status: 400 },
  ERR_CODEDEPLOY_INVALID_ALARM_CONFIG: { type: "InvalidAlarmConfigException", status: 400 },
  ERR_CODEDEPLOY_INVALID_AUTO_ROLLBACK_CONFIG: { type: "InvalidAutoRollbackConfigException", status: 400 },
  ERR_CODEDEPLOY_INVALID_DEPLOYMENT_STYLE: { type: "InvalidDeploymentStyleException", status: 400 },
  ERR_CODEDEPLOY_INVALID_TRIGGER_CONFIG: { type: "InvalidTriggerConfigException", status: 400 },
  ERR_CODEDEPLOY_INVALID_INPUT: { type: "InvalidInputException", status: 400 },
  ERR_CODEDEPLOY_CONFIG_NAME_REQUIRED: { type: "DeploymentConfigNameRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_CONFIG_NAME: { type: "InvalidDeploymentConfigNameException", status: 400 },
  ERR_CODEDEPLOY_CONFIG_EXISTS: { type: "DeploymentConfigAlreadyExistsException", status: 400 },
  ERR_CODEDEPLOY_CONFIG_NOT_FOUND: { type: "DeploymentConfigDoesNotExistException", status: 400 },
  ERR_CODEDEPLOY_CONFIG_IN_USE: { type: "DeploymentConfigInUseException", status: 400 },
  ERR_CODEDEPLOY_INVALID_OPERATION: { type: "InvalidOperationException", status: 400 },
  ERR_CODEDEPLOY_INVALID_MINIMUM_HEALTHY_HOSTS: { type: "InvalidMinimumHealthyHostValueException", status: 400 },
  ERR_CODEDEPLOY_INVALID_TRAFFIC_ROUTING: { type: "InvalidTrafficRoutingConfigurationException", status: 400 },
  ERR_CODEDEPLOY_DEPLOYMENT_ID_REQUIRED: { type: "DeploymentIdRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_DEPLOYMENT_ID: { type: "InvalidDeploymentIdException", status: 400 },
  ERR_CODEDEPLOY_DEPLOYMENT_NOT_FOUND: { type: "DeploymentDoesNotExistException", status: 400 },
  ERR_CODEDEPLOY_DEPLOYMENT_COMPLETED: { type: "DeploymentAlreadyCompletedException", status: 400 },
  ERR_CODEDEPLOY_DEPLOYMENT_LIMIT_EXCEEDED: { type: "DeploymentLimitExceededException", status: 400 },
  ERR_CODEDEPLOY_REVISION_REQUIRED: { type: "RevisionRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_REVISION: { type: "InvalidRevisionException", status: 400 },
  ERR_CODEDEPLOY_INVALID_DEPLOYMENT_STATUS: { type: "InvalidDeploymentStatusException", status: 400 },
  ERR_CODEDEPLOY_HOOK_ALREADY_COMPLETED: { type: "LifecycleEventAlreadyCompletedException", status: 400 },
  ERR_CODEDEPLOY_INVALID_HOOK_EXECUTION_ID: { type: "InvalidLifecycleEventHookExecutionIdException", status: 400 },
  ERR_CODEDEPLOY_INVALID_HOOK_EXECUTION_STATUS: {
    type: "InvalidLifecycleEventHookExecutionStatusException",
    status: 400,
  },
  ERR_CODEDEPLOY_TARGET_ID_REQUIRED: { type: "DeploymentTargetIdRequiredException", status: 400 },
  ERR_CODEDEPLOY_TARGET_NOT_FOUND: { type: "DeploymentTargetDoesNotExistException", status: 400 },
  ERR_CODEDEPLOY_BATCH_LIMIT_EXCEEDED: { type: "BatchLimitExceededException", status: 400 },
  ERR_CODEDEPLOY_INVALID_NEXT_TOKEN: { type: "InvalidNextTokenException", status: 400 },
  ERR_CODEDEPLOY_UNKNOWN_OPERATION: { type: "UnknownOperationException", status: 400 },
  ERR_CODEDEPLOY_SERIALIZATION: { type: "SerializationException", status: 400 },
  ERR_LOGS_MALFORMED_QUERY: { type: "MalformedQueryException", status: 400 },
  ERR_LOGS_LIMIT_EXCEEDED: { type: "LimitExceededException", status: 400 },
  ERR_SNS_NOT_FOUND: { type: "NotFound", status: 404 },
  ERR_SNS_INVALID_PARAMETER: { type: "InvalidParameter", status: 400 },
  ERR_SNS_INVALID_PARAMETER_VALUE: { type: "ParameterValueInvalid", status: 400 },
  ERR_SNS_EMPTY_BATCH: { type: "EmptyBatchRequest", status: 400 },
  ERR_SNS_TOO_MANY_ENTRIES: { type: "TooManyEntriesInBatchRequest", status: 400 },
  ERR_SNS_BATCH_IDS_NOT_DISTINCT: { type: "BatchEntryIdsNotDistinct", status: 400 },
  ERR_SNS_BATCH_TOO_LONG: { type: "BatchRequestTooLong", status: 400 },
  ERR_SNS_INVALID_ACTION: { type: "InvalidAction", status: 400 },
  ERR_SNS_RESOURCE_NOT_FOUND: { type: "ResourceNotFound", status: 404 },
  ERR_CODEDEPLOY_NOT_READY: { type: "DeploymentIsNotInReadyStateException", status: 400 },
  ERR_CODEDEPLOY_UNSUPPORTED_ACTION: { type: "UnsupportedActionForDeploymentTypeException", status: 400 },
  ERR_CODEDEPLOY_INVALID_WAIT_TYPE: { type: "InvalidDeploymentWaitTypeException", status: 400 },
  ERR_SQS_RESOURCE_NOT_FOUND: { type: "ResourceNotFoundException", status: 404 },
  ERR_S3_NO_SUCH_UPLOAD: { type: "NoSuchUpload", status: 404 },
  ERR_S3_INVALID_PART: { type: "InvalidPart", status: 400 },
  ERR_S3_INVALID_PART_ORDER: { type: "InvalidPartOrder", status: 400 },
  ERR_S3_ENTITY_TOO_SMALL: { type: "EntityTooSmall", status: 400 },
  ERR_S3_ENTITY_TOO_LARGE: { type: "EntityTooLarge", status: 400 },
  ERR_S3_MALFORMED_XML: { type: "MalformedXML", status: 400 },
  ERR_S3_INVALID_ARGUMENT: { type: "InvalidArgument", status: 400 },
  ERR_S3_INVALID_RANGE: { type: "InvalidRange", status: 416 },
  ERR_CODEDEPLOY_TRIGGER_LIMIT_EXCEEDED: { type: "TriggerTargetsLimitExceededException", status: 400 },
  ERR_CODEDEPLOY_RESOURCE_ARN_REQUIRED: { type: "ResourceArnRequiredException", status: 400 },
  ERR_CODEDEPLOY_INVALID_ARN: { type: "InvalidArnException", status: 400 },
  ERR_CODEDEPLOY_ARN_NOT_SUPPORTED: { type: "ArnNotSupportedException", status: 400 },
  ERR_CODEDEPLOY_TAG_REQUIRED: { type: "TagRequiredException", status: 400 },
  ERR_IAM_INVALID_INPUT: { type: "InvalidInput", status: 400 },
} as const satisfies Record<string, { type: string; status: number }>;

/** A stable platform error code. */
export type ErrorCode = keyof typeof ERROR_TABLE;

/**
 * Codes kept for the work that will raise them, which nothing raises yet: resources in use by
 * event source mappings (ResourceInUse). docs/errors.md marks them reserved; a test keeps both true.
 */
export const RESERVED_CODES: ReadonlySet<ErrorCode> = new Set(["ERR_RESOURCE_IN_USE"]);

/** The one error class the platform throws. `fields` are extra members of the AWS error body. */
export class PlatformError extends Error {
  readonly code: ErrorCode;
  readonly fields: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, fields: Record<string, unknown> = {}) {
    super(message);
    this.name = "PlatformError";
    this.code = code;
    this.fields = fields;
  }
  /** The AWS error type (`x-amzn-ErrorType`). */
  get awsType(): string {
    return ERROR_TABLE[this.code].type;
  }
  /** The HTTP status AWS answers with. */
  get status(): number {
    return ERROR_TABLE[this.code].status;
  }
}

/** True for a PlatformError (also across module copies). */
export function isPlatformError(e: unknown): e is PlatformError {
  return e instanceof PlatformError;
}
