export { FunctionUrlServer, URL_PAYLOAD_BYTES, type FunctionUrlServerOptions } from "./url-server.js";
export { functionUrls, resolveUrl } from "./url-address.js";
