export { FunctionUrlService, urlDate, type FunctionUrlServiceOptions } from "./url-service.js";
export type { FunctionUrlInput } from "./url-input.js";
