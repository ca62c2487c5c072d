/**
 * S3 multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts and ListMultipartUploads. Parts live in the ObjectStore next to
 * objects until the upload is completed (into one object) or aborted.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ObjectStore, PartMeta, UploadRecord } from "../../ports/object-store.js";
import type { Clock } from "../../shared/clock.js";
import { PlatformError } from "../../shared/errors.js";
import { xml } from "../query-wire.js";
import type { ApiRequest, ApiResponse } from "../types.js";
import { parseCompleteParts, type RequestedPart } from "./complete-xml.js";
import { objectBytes, s3Xml, S3_XMLNS } from "./wire.js";

/** Smallest part but the last, as S3 (5 MiB). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;
const OWNER = "<ID>haneul</ID><DisplayName>haneul</DisplayName>";
const iso = (ms: number) => new Date(ms).toISOString();
const unquoted = (etag: string) => etag.replace(/^"|"$/g, "");

const noSuchUpload = () =>
  new PlatformError(
    "ERR_S3_NO_SUCH_UPLOAD",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  );

/** The multipart operations' handlers over `store`; `maxObjectBytes` bounds a completed object. */
export function createMultipartHandlers(
  store: ObjectStore,
  clock: Clock,
  o: { maxObjectBytes: number; requireBucket: (name: string) => Promise<unknown> },
) {
  const uploadOf = async (req: ApiRequest): Promise<UploadRecord> => {
    await o.requireBucket(req.params.Bucket ?? "");
    const upload = await store.getUpload(req.query.get("uploadId") ?? "");
    if (!upload || upload.bucket !== req.params.Bucket || upload.key !== req.params.Key) throw noSuchUpload();
    return upload;
  };
  const writePart = async (upload: UploadRecord, partNumber: number, data: Buffer): Promise<PartMeta> => {
    const part = {
      uploadId: upload.uploadId,
      partNumber,
      size: data.length,
      etag: `"${createHash("md5").update(data).digest("hex")}"`,
      lastModified: clock.now(),
    };
    if (!(await store.putPart(part, data))) throw noSuchUpload();
    return part;
  };
  return {
    async create(req: ApiRequest): Promise<ApiResponse> {
      const bucket = req.params.Bucket ?? "";
      await o.requireBucket(bucket);
      const upload = {
        // Hex: an id starting with "-" would read as an option to the AWS CLI (`--upload-id -x…`).
        uploadId: randomBytes(24).toString("hex"),
        bucket,
        key: req.params.Key ?? "",
        contentType: req.headers["content-type"],
        initiated: clock.now(),
      };
      await store.createUpload(upload);
      return s3Xml("InitiateMultipartUploadResult", { Bucket: bucket, Key: upload.key, UploadId: upload.uploadId });
    },

    async uploadPart(req: ApiRequest): Promise<ApiResponse> {
      const partNumber = partNumberOf(req);
      const upload = await uploadOf(req);
      const part = await writePart(upload, partNumber, objectBytes(req));
      return { status: 200, headers: { ETag: part.etag } };
    },

    async uploadPartCopy(req: ApiRequest, source: { bucket: string; key: string }): Promise<ApiResponse> {
      const partNumber = partNumberOf(req);
      const upload = await uploadOf(req);
      await o.requireBucket(source.bucket);
      const got = await store.getObject(source.bucket, source.key);
      if (!got) throw new PlatformError("ERR_S3_NO_SUCH_KEY", "The specified key does not exist.");
      const part = await writePart(upload, partNumber, sliceOf(got.body, req.headers["x-amz-copy-source-range"]));
      return s3Xml("CopyPartResult", { LastModified: iso(part.lastModified), ETag: part.etag });
    },

    async complete(req: ApiRequest): Promise<ApiResponse> {
      const upload = await uploadOf(req);
      const requested = parseCompleteParts(req.body);
      const stored = await store.listParts(upload.uploadId, { after: 0, limit: MAX_PART_NUMBER });
      const chosen = chooseParts(requested, stored);
      const size = chosen.reduce((sum, p) => sum + p.size, 0);
      if (size > o.maxObjectBytes) {
        throw new PlatformError("ERR_S3_ENTITY_TOO_LARGE", "Your proposed upload exceeds the maximum allowed size");
      }
      const md5s = chosen.map((p) => Buffer.from(unquoted(p.etag), "hex"));
      const etag = `"${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${chosen.length}"`;
      const meta = {
        bucket: upload.bucket,
        key: upload.key,
        size,
        etag,
        contentType: upload.contentType,
        lastModified: clock.now(),
      };
      const numbers = chosen.map((p) => p.partNumber);
      if (!(await store.completeUpload(upload.uploadId, meta, numbers))) throw noSuchUpload();
      return s3Xml("CompleteMultipartUploadResult", {
        Location: `/${upload.bucket}/${upload.key}`,
        Bucket: upload.bucket,
        Key: upload.key,
        ETag: etag,
      });
    },

    async abort(req: ApiRequest): Promise<ApiResponse> {
      const upload = await uploadOf(req);
      if (!(await store.abortUpload(upload.uploadId))) throw noSuchUpload();
      return { status: 204 };
    },

    async listParts(req: ApiRequest): Promise<ApiResponse> {
      const upload = await uploadOf(req);
      const max = limitOf(req.query.get("max-parts"));
      const marker = Number(req.query.get("part-number-marker") ?? 0) || 0;
      const page = await store.listParts(upload.uploadId, { after: marker, limit: max + 1 });
      const shown = page.slice(0, max);
      const parts = shown
        .map(
          (p) =>
            `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${iso(p.lastModified)}</LastModified>` +
            `<ETag>${xml(p.etag)}</ETag><Size>${p.size}</Size></Part>`,
        )
        .join("");
      const next = shown[shown.length - 1]?.partNumber ?? marker;
      return xmlAnswer(
        "ListPartsResult",
        `<Bucket>${xml(upload.bucket)}</Bucket><Key>${xml(upload.key)}</Key><UploadId>${xml(upload.uploadId)}</UploadId>` +
          `<Initiator>${OWNER}</Initiator><Owner>${OWNER}</Owner><StorageClass>STANDARD</StorageClass>` +
          `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${next}</NextPartNumberMarker>` +
          `<MaxParts>${max}</MaxParts><IsTruncated>${page.length > max}</IsTruncated>${parts}`,
      );
    },

    async listUploads(req: ApiRequest): Promise<ApiResponse> {
      const bucket = req.params.Bucket ?? "";
      await o.requireBucket(bucket);
      if (req.query.has("delimiter")) {
        throw new PlatformError(
          "ERR_S3_NOT_IMPLEMENTED",
          "haneul's artifact store does not implement 'delimiter' in ListMultipartUploads",
        );
      }
      const prefix = req.query.get("prefix") ?? "";
      const max = limitOf(req.query.get("max-uploads"));
      const keyMarker = req.query.get("key-marker") ?? "";
      const idMarker = keyMarker ? (req.query.get("upload-id-marker") ?? "") : "";
      // Without an upload-id-marker S3 starts after every upload of the key-marker itself: upload
      // ids are hex, so U+FFFF sorts after all of them.
      const afterUploadId = keyMarker && !idMarker ? "\uffff" : idMarker;
      const page = await store.listUploads(bucket, { prefix, afterKey: keyMarker, afterUploadId, limit: max + 1 });
      const shown = page.slice(0, max);
      const last = shown[shown.length - 1];
      const truncated = page.length > max;
      const uploads = shown
        .map(
          (u) =>
            `<Upload><Key>${xml(u.key)}</Key><UploadId>${xml(u.uploadId)}</UploadId><Initiator>${OWNER}</Initiator>` +
            `<Owner>${OWNER}</Owner><StorageClass>STANDARD</StorageClass><Initiated>${iso(u.initiated)}</Initiated></Upload>`,
        )
        .join("");
      const next =
        truncated && last
          ? `<NextKeyMarker>${xml(last.key)}</NextKeyMarker><NextUploadIdMarker>${xml(last.uploadId)}</NextUploadIdMarker>`
          : "";
      return xmlAnswer(
        "ListMultipartUploadsResult",
        `<Bucket>${xml(bucket)}</Bucket><KeyMarker>${xml(keyMarker)}</KeyMarker><UploadIdMarker>${xml(idMarker)}</UploadIdMarker>` +
          `${next}<Prefix>${xml(prefix)}</Prefix><MaxUploads>${max}</MaxUploads><IsTruncated>${truncated}</IsTruncated>${uploads}`,
      );
    },
  };
}

/** The stored parts the request names, checked as S3 checks them (order, existence, ETag, size). */
function chooseParts(requested: readonly RequestedPart[], stored: readonly PartMeta[]): PartMeta[] {
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const chosen: PartMeta[] = [];
  let previous = 0;
  for (const r of requested) {
    if (r.partNumber <= previous) {
      throw new PlatformError(
        "ERR_S3_INVALID_PART_ORDER",
        "The list of parts was not in ascending order. Parts must be ordered by part number.",
      );
    }
    previous = r.partNumber;
    const part = byNumber.get(r.partNumber);
    if (!part || unquoted(part.etag) !== unquoted(r.etag)) {
      throw new PlatformError(
        "ERR_S3_INVALID_PART",
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      );
    }
    chosen.push(part);
  }
  if (chosen.slice(0, -1).some((p) => p.size < MIN_PART_BYTES)) {
    throw new PlatformError("ERR_S3_ENTITY_TOO_SMALL", "Your proposed upload is smaller than the minimum allowed size");
  }
  return chosen;
}

function partNumberOf(req: ApiRequest): number {
  const raw = req.query.get("partNumber") ?? "";
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PART_NUMBER) {
    throw new PlatformError("ERR_S3_INVALID_ARGUMENT", "Part number must be an integer between 1 and 10000, inclusive");
  }
  return n;
}

function limitOf(raw: string | null): number {
  const n = Number(raw ?? 1000);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 1000) : 1000;
}

/** `bytes=first-last` of the source, or all of it. */
function sliceOf(body: Buffer, range: string | string[] | undefined): Buffer {
  if (range === undefined) return body;
  const m = typeof range === "string" ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first > last || last >= body.length) {
    throw new PlatformError(
      "ERR_S3_INVALID_ARGUMENT",
      "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
    );
  }
  return body.subarray(first, last + 1);
}

function xmlAnswer(root: string, inner: string): ApiResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`;
  return { status: 200, headers: { "Content-Type": "application/xml" }, body };
}
