export { Gateway, apiUrls, type AccessLogRecord, type GatewayOptions } from "./gateway.js";
