export { Gateway, apiUrls, type AccessLogRecord, type GatewayOptions } from "./gateway.js";
export { executionLogReason, type GatewayErrorKind } from "./gateway-errors.js";
export { QuotaLedger, type QuotaLedgerOptions } from "./quota-ledger.js";
export { mapResponseV2 } from "./response-v2.js";
export { eventBody } from "./media-types.js";
export { requestTime } from "./trace.js";
export type { Reply } from "./reply.js";
export type { TestAuthorizerResult, TestMethod, TestMethodResult, TestRequest } from "./test-invoke.js";
