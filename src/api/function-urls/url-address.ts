/**
 * How a request names a function URL. Two forms, on the gateway's port:
 *
 * - Host-based, like AWS: `http://<url-id>.lambda-url.<region>.localhost:<port>/<path>`.
 * - Path-based, for clients that cannot resolve such names:
 *   `http://127.0.0.1:<port>/lambda-url/<url-id>/<path>`; the function sees `/<path>`.
 */

const HOST_MARK = ".lambda-url.";
const PATH_PREFIX = "/lambda-url/";
const URL_ID = /^[a-z0-9]{32}$/;

/** The URL id a request addresses and the path the function sees (raw, begins with `/`). */
export interface UrlAddress {
  readonly urlId: string;
  readonly path: string;
}

/** The function URL a request addresses, or undefined when it names none. */
export function resolveUrl(host: string | undefined, rawPath: string): UrlAddress | undefined {
  if (rawPath.startsWith(PATH_PREFIX)) {
    const slash = rawPath.indexOf("/", PATH_PREFIX.length);
    const urlId = rawPath.slice(PATH_PREFIX.length, slash < 0 ? undefined : slash);
    return URL_ID.test(urlId) ? { urlId, path: slash < 0 ? "/" : rawPath.slice(slash) } : undefined;
  }
  const mark = host ? host.indexOf(HOST_MARK) : -1;
  if (!host || mark <= 0) return undefined;
  const urlId = host.slice(0, mark);
  return URL_ID.test(urlId) ? { urlId, path: rawPath } : undefined;
}

/** Both addresses of a URL id: the host-based one (as AWS) and the path-based one. */
export function functionUrls(urlId: string, region: string, port: number): { hostBased: string; pathBased: string } {
  return {
    hostBased: `http://${urlId}.lambda-url.${region}.localhost:${port}/`,
    pathBased: `http://127.0.0.1:${port}/lambda-url/${urlId}/`,
  };
}
