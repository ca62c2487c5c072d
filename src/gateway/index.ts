export { Gateway, apiUrls, type AccessLogRecord, type GatewayOptions } from "./gateway.js";
export { executionLogReason, type GatewayErrorKind } from "./gateway-errors.js";
export { QuotaLedger, type QuotaLedgerOptions } from "./quota-ledger.js";
