import type { LayerVersionRecord, NewLayerVersion } from "../ports/layer-store.js";

/** A layer_versions row as both databases return it (PostgreSQL's BIGINT comes as text). */
export interface LayerVersionRow {
  name: string;
  version: number | string;
  description: string;
  license_info: string | null;
  compatible_runtimes: string;
  compatible_architectures: string;
  code_sha256: string;
  code_size: number | string;
  unzipped_size: number | string;
  created_at: number | string;
  policy: string | null;
  revision_id: string;
}

/** The columns of layer_versions, in the order `layerVersionValues` gives them. */
export const LAYER_VERSION_COLUMNS =
  "name, version, description, license_info, compatible_runtimes, compatible_architectures, code_sha256, code_size, unzipped_size, created_at, policy, revision_id";

/** A layer_versions row → LayerVersionRecord. */
export function layerVersionOf(r: LayerVersionRow): LayerVersionRecord {
  return {
    layerName: r.name,
    version: Number(r.version),
    description: r.description,
    licenseInfo: r.license_info ?? undefined,
    compatibleRuntimes: JSON.parse(r.compatible_runtimes) as string[],
    compatibleArchitectures: JSON.parse(r.compatible_architectures) as string[],
    codeSha256: r.code_sha256,
    codeSize: Number(r.code_size),
    unzippedSize: Number(r.unzipped_size),
    createdAt: Number(r.created_at),
    policy: r.policy ?? undefined,
    revisionId: r.revision_id,
  };
}

/** The values of a new version's row, in LAYER_VERSION_COLUMNS order. */
export function layerVersionValues(v: NewLayerVersion, version: number): unknown[] {
  return [
    v.layerName,
    version,
    v.description,
    v.licenseInfo ?? null,
    JSON.stringify(v.compatibleRuntimes),
    JSON.stringify(v.compatibleArchitectures),
    v.codeSha256,
    v.codeSize,
    v.unzippedSize,
    v.createdAt,
    null,
    v.revisionId,
  ];
}

/** Bumps a layer's counter and answers the number the new version takes (both dialects). */
export const NEXT_LAYER_VERSION_SQL = (p: string) =>
  `INSERT INTO layers (name, next_version) VALUES (${p}, 2)
   ON CONFLICT (name) DO UPDATE SET next_version = layers.next_version + 1
   RETURNING next_version - 1 AS version`;
