/** The wire side of ImportRestApi and PutRestApi: query parameters in, `RestApi` with `warnings` out. */
import type { ImportedRestApi, RestImportOptions } from "../../control/index.js";
import { PlatformError } from "../../shared/errors.js";
import { stringify } from "yaml";
import type { ApiRequest, ApiResponse, Operation } from "../types.js";
import { restApiView } from "./v1-views.js";

/** API Gateway takes API definitions of up to 6 MB. */
const MAX_DEFINITION_BYTES = 6 * 1024 * 1024;

/** `op` taking an OpenAPI document as its body. */
export function importBody(op: Operation): Operation {
  return { ...op, maxBodyBytes: MAX_DEFINITION_BYTES };
}

/** `failonwarnings` and the `parameters` map, which the SDKs send as plain query parameters. */
export function importOptions(req: ApiRequest): RestImportOptions {
  const fail = req.query.get("failonwarnings");
  if (fail !== null && fail !== "true" && fail !== "false") {
    throw new PlatformError("ERR_BAD_REQUEST", `Invalid value for failonwarnings: ${fail}`);
  }
  return {
    failOnWarnings: fail === "true",
    parameters: {
      basepath: req.query.get("basepath") ?? undefined,
      ignore: req.query.get("ignore") ?? undefined,
      endpointConfigurationTypes: req.query.get("endpointConfigurationTypes") ?? undefined,
    },
  };
}

/** `RestApi` with the import's `warnings`. */
export function importedView(imported: ImportedRestApi): Record<string, unknown> {
  const view = restApiView(imported.api);
  return imported.warnings.length > 0 ? { ...view, warnings: imported.warnings } : view;
}

/** An exported document as the Accept header asks: YAML for `application/yaml`, else JSON. */
export function exportedDocument(
  req: ApiRequest,
  doc: Record<string, unknown>,
  filename: string,
  yamlWanted = (req.headers.accept ?? "").includes("yaml"),
): ApiResponse {
  const text = yamlWanted ? stringify(doc) : JSON.stringify(doc, null, 2);
  return {
    status: 200,
    headers: {
      "Content-Type": yamlWanted ? "application/yaml" : "application/json",
      "Content-Disposition": `attachment; filename="${filename}.${yamlWanted ? "yaml" : "json"}"`,
    },
    body: Buffer.from(text, "utf8"),
  };
}
