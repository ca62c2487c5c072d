/**
 * The `x-amazon-apigateway-*` extensions an import understands. Any other one, or one haneul does
 * not carry out, is an import error naming where it stands in the document: configuration is never
 * taken and then ignored.
 */
import { type Obj, asObj } from "./document.js";

const CARRIED_OUT = new Set([
  "x-amazon-apigateway-integration",
  "x-amazon-apigateway-authorizer",
  "x-amazon-apigateway-authtype",
  "x-amazon-apigateway-auth",
  "x-amazon-apigateway-any-method",
  "x-amazon-apigateway-binary-media-types",
  "x-amazon-apigateway-gateway-responses",
  "x-amazon-apigateway-api-key-source",
  "x-amazon-apigateway-endpoint-configuration",
  "x-amazon-apigateway-cors",
  "x-amazon-apigateway-importexport-version",
  "x-amazon-apigateway-tag-value",
  "x-amazon-apigateway-request-validators",
  "x-amazon-apigateway-request-validator",
]);

/** Extensions left out on purpose, with why. */
const NOT_CARRIED_OUT: Readonly<Record<string, string>> = {
  "x-amazon-apigateway-policy": "resource policies are not supported by haneul",
  "x-amazon-apigateway-minimum-compression-size": "response compression is not supported by haneul",
  "x-amazon-apigateway-documentation":
    "documentation parts are not supported by haneul (import with ignore=documentation)",
};

/** Extensions of one protocol only. */
export const REST_ONLY: Readonly<Record<string, string>> = {
  "x-amazon-apigateway-binary-media-types": "binary media types apply to REST APIs only",
  "x-amazon-apigateway-gateway-responses": "gateway responses apply to REST APIs only",
  "x-amazon-apigateway-api-key-source": "API key sources apply to REST APIs only",
  "x-amazon-apigateway-auth": "x-amazon-apigateway-auth applies to REST APIs only",
  "x-amazon-apigateway-request-validators": "request validators apply to REST APIs only",
  "x-amazon-apigateway-request-validator": "request validators apply to REST APIs only",
};
/** Extensions of HTTP APIs only. */
export const HTTP_ONLY: Readonly<Record<string, string>> = {
  "x-amazon-apigateway-cors": "x-amazon-apigateway-cors applies to HTTP APIs only",
  "x-amazon-apigateway-tag-value": "tags from the document apply to HTTP APIs only",
};

/**
 * Every unsupported extension of `doc`, as `'<json path>': why`: those of `otherProtocol` too;
 * `ignored` extensions are skipped.
 */
export function unsupportedExtensions(
  doc: Obj,
  options: { ignored: ReadonlySet<string>; otherProtocol: Readonly<Record<string, string>> },
): string[] {
  const { ignored, otherProtocol } = options;
  const found: string[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== "object" || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    for (const [key, value] of Object.entries(node as Obj)) {
      const at = `${path}.${key}`;
      const refused =
        otherProtocol[key] ?? (CARRIED_OUT.has(key) ? undefined : (NOT_CARRIED_OUT[key] ?? "unknown extension"));
      if (key.startsWith("x-amazon-apigateway-") && refused !== undefined && !ignored.has(key)) {
        found.push(`Unsupported extension at '${at.slice(1)}': ${refused}`);
        continue;
      }
      // Example payloads are data, not configuration.
      if (key === "example" || key === "examples") continue;
      if (asObj(value) || Array.isArray(value)) walk(value, at);
    }
  };
  walk(doc, "");
  return found;
}
