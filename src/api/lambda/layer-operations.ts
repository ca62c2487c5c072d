/**
 * The Lambda layer operations (API version 2018-10-31). GetLayerVersionByArn shares ListLayers'
 * path and is told apart by `?find=LayerVersion`, as AWS routes it.
 */
import type { LayerService } from "../../control/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest } from "../types.js";
import { layerVersionAccess } from "./access.js";
import type { LambdaApiDeps, LambdaOperation } from "./deps.js";
import { CODE_REQUEST_BYTES } from "./function-operations.js";
import { intQuery, jsonBody, param, query } from "./request.js";
import { AddLayerVersionPermissionBody, PublishLayerVersionBody } from "./schemas.js";

const LAYERS = "/2018-10-31/layers";
const LAYER = `${LAYERS}/{LayerName}/versions`;
const VERSION = `${LAYER}/{VersionNumber}`;

function service(deps: LambdaApiDeps): LayerService {
  const layers = deps.control.layers;
  if (!layers) throw new PlatformError("ERR_SERVICE", "This node keeps no layers.");
  return layers;
}

const version = (req: ApiRequest) => Number(param(req, "VersionNumber"));

function filters(req: ApiRequest) {
  return {
    CompatibleRuntime: query(req, "CompatibleRuntime"),
    CompatibleArchitecture: query(req, "CompatibleArchitecture"),
    Marker: query(req, "Marker"),
    MaxItems: intQuery(req, "MaxItems", "maxItems"),
  };
}

/** `lambda:<action>` on the layer (`:version` when the path names one), as IAM sees it. */
function onLayer(deps: LambdaApiDeps, action: string, withVersion: boolean): (req: ApiRequest) => AccessSpec {
  return (req) => {
    const { region, accountId } = deps.control.arnScope;
    const raw = param(req, "LayerName");
    const base = raw.startsWith("arn:") ? raw : `arn:aws:lambda:${region}:${accountId}:layer:${raw}`;
    return { action: `lambda:${action}`, resource: withVersion ? `${base}:${param(req, "VersionNumber")}` : base };
  };
}

/** GetLayerVersion(ByArn): on the version the request names (see layerVersionAccess). */
function getAccess(deps: LambdaApiDeps, arnOf: (req: ApiRequest) => string): (req: ApiRequest) => AccessSpec {
  return (req) => layerVersionAccess(deps, arnOf(req));
}

/** PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions, DeleteLayerVersion, permissions. */
export function layerOperations(deps: LambdaApiDeps): LambdaOperation[] {
  const versionArn = onLayer(deps, "GetLayerVersion", true);
  return [
    {
      name: "PublishLayerVersion",
      access: onLayer(deps, "PublishLayerVersion", false),
      method: "POST",
      path: LAYER,
      maxBodyBytes: CODE_REQUEST_BYTES,
      handle: async (req) => ({
        status: 201,
        body: await service(deps).publish(param(req, "LayerName"), jsonBody(req, PublishLayerVersionBody)),
      }),
    },
    {
      name: "ListLayerVersions",
      access: onLayer(deps, "ListLayerVersions", false),
      method: "GET",
      path: LAYER,
      handle: async (req) => ({
        status: 200,
        body: await service(deps).listVersions(param(req, "LayerName"), filters(req)),
      }),
    },
    {
      name: "GetLayerVersion",
      access: getAccess(deps, (req) => versionArn(req).resource),
      method: "GET",
      path: VERSION,
      handle: async (req) => ({ status: 200, body: await service(deps).get(param(req, "LayerName"), version(req)) }),
    },
    {
      name: "DeleteLayerVersion",
      access: onLayer(deps, "DeleteLayerVersion", true),
      method: "DELETE",
      path: VERSION,
      handle: async (req) => {
        await service(deps).delete(param(req, "LayerName"), version(req));
        return { status: 204 };
      },
    },
    {
      // ListLayers, or GetLayerVersionByArn with `?find=LayerVersion`.
      name: "ListLayers",
      access: (req) =>
        query(req, "find") === "LayerVersion"
          ? getAccess(deps, (r) => query(r, "Arn") ?? "*")(req)
          : { action: "lambda:ListLayers", resource: "*" },
      method: "GET",
      path: LAYERS,
      handle: async (req) => ({
        status: 200,
        body:
          query(req, "find") === "LayerVersion"
            ? await service(deps).getByArn(query(req, "Arn"))
            : await service(deps).list(filters(req)),
      }),
    },
    {
      name: "AddLayerVersionPermission",
      access: onLayer(deps, "AddLayerVersionPermission", true),
      method: "POST",
      path: `${VERSION}/policy`,
      handle: async (req) => ({
        status: 201,
        body: await service(deps).addPermission(
          { layerName: param(req, "LayerName"), version: version(req), revisionId: query(req, "RevisionId") },
          jsonBody(req, AddLayerVersionPermissionBody),
        ),
      }),
    },
    {
      name: "GetLayerVersionPolicy",
      access: onLayer(deps, "GetLayerVersionPolicy", true),
      method: "GET",
      path: `${VERSION}/policy`,
      handle: async (req) => ({
        status: 200,
        body: await service(deps).getPolicy(param(req, "LayerName"), version(req)),
      }),
    },
    {
      name: "RemoveLayerVersionPermission",
      access: onLayer(deps, "RemoveLayerVersionPermission", true),
      method: "DELETE",
      path: `${VERSION}/policy/{StatementId}`,
      handle: async (req) => {
        await service(deps).removePermission(
          { layerName: param(req, "LayerName"), version: version(req), revisionId: query(req, "RevisionId") },
          param(req, "StatementId"),
        );
        return { status: 204 };
      },
    },
  ];
}
