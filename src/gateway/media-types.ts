/**
 * Content-type tests for request and response bodies: REST APIs base64-encode exactly the
 * media types listed in `binaryMediaTypes` (wildcards allowed); HTTP APIs send text types as
 * text and everything else base64-encoded.
 */

/** Tests a content-type header against a compiled `binaryMediaTypes` list. */
export type MediaTypeMatcher = (contentType: string | undefined) => boolean;

/** The bare media type of a header value: `Image/PNG; q=1` → `image/png`. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return "";
  const semi = contentType.indexOf(";");
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Compiles `binaryMediaTypes` (`image/png`, `image/*`, `*\/*`) once per deployment. */
export function binaryMatcher(types: readonly string[]): MediaTypeMatcher {
  if (types.length === 0) return () => false;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  let all = false;
  for (const raw of types) {
    // CloudFormation templates escape the slash as "~1" (OpenAPI JSON pointer style).
    const t = raw.replace(/~1/g, "/").toLowerCase();
    if (t === "*/*") all = true;
    else if (t.endsWith("/*")) prefixes.push(t.slice(0, -1));
    else exact.add(t);
  }
  return (contentType) => {
    const mt = mediaType(contentType);
    if (mt === "") return false;
    return all || exact.has(mt) || prefixes.some((p) => mt.startsWith(p));
  };
}

/** Whether an HTTP API passes a request body of this content type as text (else base64). */
export function isTextMediaType(contentType: string | undefined): boolean {
  const mt = mediaType(contentType);
  if (mt === "") return false;
  if (mt.startsWith("text/")) return true;
  return (
    mt === "application/json" ||
    mt === "application/javascript" ||
    mt === "application/ecmascript" ||
    mt === "application/xml" ||
    mt === "application/graphql" ||
    mt.endsWith("+json") ||
    mt.endsWith("+xml")
  );
}

/**
 * The event `body` and `isBase64Encoded` for a request body: REST APIs (`binary` given) encode
 * binaryMediaTypes only, HTTP APIs (`binary` undefined) everything that is not text.
 * Undefined for an empty body.
 */
export function eventBody(
  body: Buffer,
  contentType: string | undefined,
  binary: MediaTypeMatcher | undefined,
): { text: string; base64: boolean } | undefined {
  if (body.length === 0) return undefined;
  const asBinary = binary ? binary(contentType) : !isTextMediaType(contentType);
  return asBinary ? { text: body.toString("base64"), base64: true } : { text: body.toString("utf8"), base64: false };
}
