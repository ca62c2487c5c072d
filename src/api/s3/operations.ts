/**
 * haneul's small S3 for deployment artifacts (REST-XML, path-style, SigV4 service `s3`):
 * buckets, objects and multipart uploads (./multipart.ts). Its routes share the API port with Lambda's and API
 * Gateway's: the server routes a request by the service its signature is scoped to.
 */
import { createHash } from "node:crypto";
import type { ObjectStore } from "../../ports/object-store.js";
import type { Clock } from "../../shared/clock.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { createMultipartHandlers } from "./multipart.js";
import { objectBytes, rangeOf, s3Error, s3Xml, S3_XMLNS } from "./wire.js";

/** Largest object accepted in one PutObject or made by one multipart upload (read whole into memory). */
const MAX_OBJECT_BYTES = 256 * 1024 * 1024;
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const noSuchBucket = (name: string) =>
  new PlatformError("ERR_S3_NO_SUCH_BUCKET", "The specified bucket does not exist", { BucketName: name });
const noSuchKey = () => new PlatformError("ERR_S3_NO_SUCH_KEY", "The specified key does not exist.");
const httpDate = (ms: number) => new Date(ms).toUTCString();
const iso = (ms: number) => new Date(ms).toISOString();

function refuseSubresources(req: ApiRequest, allowed: readonly string[] = []): void {
  for (const k of ["uploads", "uploadId", "partNumber", "versionId", "versioning", "acl", "tagging", "policy"]) {
    if (req.query.has(k) && !allowed.includes(k)) {
      throw new PlatformError("ERR_S3_NOT_IMPLEMENTED", `haneul's artifact store does not implement '${k}' here`);
    }
  }
}

/** The IAM action of an object request, by the sub-resource it names (multipart uploads). */
function objectAction(req: ApiRequest, plain: string): string {
  if (req.query.has("uploads")) return req.method === "POST" ? "s3:PutObject" : "s3:ListBucketMultipartUploads";
  if (!req.query.has("uploadId")) return plain;
  if (req.method === "DELETE") return "s3:AbortMultipartUpload";
  return req.method === "GET" ? "s3:ListMultipartUploadParts" : "s3:PutObject";
}

/** `x-amz-copy-source` (`[/]bucket/key`, %-encoded), or undefined when the request copies nothing. */
function copySourceOf(req: ApiRequest): { bucket: string; key: string } | undefined {
  const raw = req.headers["x-amz-copy-source"];
  if (typeof raw !== "string") return undefined;
  const [path = "", query] = raw.replace(/^\//, "").split("?");
  const slash = path.indexOf("/");
  if (query !== undefined || slash <= 0) {
    throw new PlatformError(
      "ERR_S3_INVALID_ARGUMENT",
      "Invalid copy source: expected bucket/key without a versionId (haneul's artifact store keeps no versions)",
    );
  }
  return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
}

/** The S3 operations over `store`. */
export function createS3Operations(store: ObjectStore, clock: Clock): Operation[] {
  const requireBucket = async (name: string) => {
    const b = await store.getBucket(name);
    if (!b) throw noSuchBucket(name);
    return b;
  };
  const multipart = createMultipartHandlers(store, clock, { maxObjectBytes: MAX_OBJECT_BYTES, requireBucket });
  const resourceOf = (req: ApiRequest) =>
    `arn:aws:s3:::${req.params.Bucket ?? "*"}${req.params.Key ? `/${req.params.Key}` : ""}`;
  const accessOf =
    (plain: string) =>
    (req: ApiRequest): AccessSpec | AccessSpec[] => {
      const own = { action: objectAction(req, plain), resource: resourceOf(req) };
      const source = req.query.has("uploadId") ? copySourceOf(req) : undefined;
      return source ? [own, { action: "s3:GetObject", resource: `arn:aws:s3:::${source.bucket}/${source.key}` }] : own;
    };
  const op = (
    name: string,
    method: string,
    path: string,
    handle: (req: ApiRequest) => Promise<ApiResponse>,
    extra: Partial<Operation> = {},
  ): Operation => ({
    name,
    method,
    path,
    service: "s3",
    ownRoutes: true,
    access: accessOf(`s3:${name === "HeadObject" ? "GetObject" : name === "HeadBucket" ? "ListBucket" : name}`),
    handle,
    renderError: s3Error,
    ...extra,
  });
  const objectHeaders = (m: {
    size: number;
    etag: string;
    contentType?: string | undefined;
    lastModified: number;
  }) => ({
    "Content-Type": m.contentType ?? "binary/octet-stream",
    ETag: m.etag,
    "Last-Modified": httpDate(m.lastModified),
    "Accept-Ranges": "bytes",
  });
  return [
    op("ListBuckets", "GET", "/", async () => {
      const buckets = (await store.listBuckets())
        .map((b) => `<Bucket><Name>${escape(b.name)}</Name><CreationDate>${iso(b.createdAt)}</CreationDate></Bucket>`)
        .join("");
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${S3_XMLNS}">` +
        `<Owner><ID>haneul</ID><DisplayName>haneul</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`;
      return { status: 200, headers: { "Content-Type": "application/xml" }, body };
    }),
    op("CreateBucket", "PUT", "/{Bucket}", async (req) => {
      refuseSubresources(req);
      const name = req.params.Bucket ?? "";
      if (!BUCKET_NAME.test(name) || name.includes("..")) {
        throw new PlatformError("ERR_S3_INVALID_BUCKET_NAME", "The specified bucket is not valid.", {
          BucketName: name,
        });
      }
      if (!(await store.createBucket({ name, createdAt: clock.now() }))) {
        throw new PlatformError(
          "ERR_S3_BUCKET_EXISTS",
          "Your previous request to create the named bucket succeeded and you already own it.",
        );
      }
      return { status: 200, headers: { Location: `/${name}` } };
    }),
    op("HeadBucket", "HEAD", "/{Bucket}", async (req) => {
      await requireBucket(req.params.Bucket ?? "");
      return { status: 200, headers: { "x-amz-bucket-region": req.region } };
    }),
    op("DeleteBucket", "DELETE", "/{Bucket}", async (req) => {
      const name = req.params.Bucket ?? "";
      await requireBucket(name);
      if (!(await store.deleteBucket(name))) {
        throw new PlatformError("ERR_S3_BUCKET_NOT_EMPTY", "The bucket you tried to delete is not empty");
      }
      return { status: 204 };
    }),
    op("ListObjectsV2", "GET", "/{Bucket}", async (req) => {
      const name = req.params.Bucket ?? "";
      await requireBucket(name);
      if (req.query.has("location")) return s3Xml("LocationConstraint", undefined);
      if (req.query.has("uploads")) return multipart.listUploads(req);
      refuseSubresources(req);
      const prefix = req.query.get("prefix") ?? "";
      const max = Math.min(Number(req.query.get("max-keys") ?? 1000) || 1000, 1000);
      const token = req.query.get("continuation-token");
      const after = token ? Buffer.from(token, "base64url").toString("utf8") : (req.query.get("start-after") ?? "");
      const page = await store.listObjects(name, { prefix, after, limit: max + 1 });
      const shown = page.slice(0, max);
      const truncated = page.length > max;
      return listResult({ name, prefix, max, truncated, shown, token });
    }),
    op(
      "PutObject",
      "PUT",
      "/{Bucket}/{Key+}",
      async (req) => {
        refuseSubresources(req, ["uploadId", "partNumber"]);
        const source = copySourceOf(req);
        if (req.query.has("uploadId")) {
          return source ? multipart.uploadPartCopy(req, source) : multipart.uploadPart(req);
        }
        if (source) {
          throw new PlatformError("ERR_S3_NOT_IMPLEMENTED", "haneul's artifact store does not implement CopyObject");
        }
        const bucket = req.params.Bucket ?? "";
        await requireBucket(bucket);
        const data = objectBytes(req);
        const etag = `"${createHash("md5").update(data).digest("hex")}"`;
        const contentType = req.headers["content-type"];
        await store.putObject(
          { bucket, key: req.params.Key ?? "", size: data.length, etag, contentType, lastModified: clock.now() },
          data,
        );
        return { status: 200, headers: { ETag: etag } };
      },
      { maxBodyBytes: MAX_OBJECT_BYTES },
    ),
    op("CreateMultipartUpload", "POST", "/{Bucket}/{Key+}", (req) => {
      refuseSubresources(req, ["uploads", "uploadId"]);
      if (req.query.has("uploads")) return multipart.create(req);
      if (req.query.has("uploadId")) return multipart.complete(req);
      throw new PlatformError("ERR_S3_NOT_IMPLEMENTED", "haneul's artifact store does not implement POST Object");
    }),
    op("GetObject", "GET", "/{Bucket}/{Key+}", async (req) => {
      refuseSubresources(req, ["uploadId"]);
      if (req.query.has("uploadId")) return multipart.listParts(req);
      const bucket = req.params.Bucket ?? "";
      await requireBucket(bucket);
      const got = await store.getObject(bucket, req.params.Key ?? "");
      if (!got) throw noSuchKey();
      // The AWS CLI downloads objects above 8 MB in ranged GETs.
      const range = rangeOf(req.headers.range, got.body.length);
      if (!range) return { status: 200, headers: objectHeaders(got.meta), body: got.body };
      const headers = {
        ...objectHeaders(got.meta),
        "Content-Range": `bytes ${range.start}-${range.end}/${got.body.length}`,
      };
      return { status: 206, headers, body: got.body.subarray(range.start, range.end + 1) };
    }),
    op("HeadObject", "HEAD", "/{Bucket}/{Key+}", async (req) => {
      const bucket = req.params.Bucket ?? "";
      await requireBucket(bucket);
      const meta = await store.headObject(bucket, req.params.Key ?? "");
      if (!meta) throw noSuchKey();
      return { status: 200, headers: { ...objectHeaders(meta), "Content-Length": String(meta.size) } };
    }),
    op("DeleteObject", "DELETE", "/{Bucket}/{Key+}", async (req) => {
      refuseSubresources(req, ["uploadId"]);
      if (req.query.has("uploadId")) return multipart.abort(req);
      const bucket = req.params.Bucket ?? "";
      await requireBucket(bucket);
      await store.deleteObject(bucket, req.params.Key ?? "");
      return { status: 204 };
    }),
  ];
}

function listResult(o: {
  name: string;
  prefix: string;
  max: number;
  truncated: boolean;
  shown: readonly { key: string; size: number; etag: string; lastModified: number }[];
  token: string | null;
}): ApiResponse {
  const { name, prefix, max, truncated, shown, token } = o;
  const lastKey = shown[shown.length - 1]?.key;
  // <Contents> repeats without a wrapper: written by hand rather than as a <member> list.
  const contents = shown
    .map(
      (m) =>
        `<Contents><Key>${escape(m.key)}</Key><LastModified>${iso(m.lastModified)}</LastModified>` +
        `<ETag>${escape(m.etag)}</ETag><Size>${m.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join("");
  const next =
    truncated && lastKey
      ? `<NextContinuationToken>${Buffer.from(lastKey).toString("base64url")}</NextContinuationToken>`
      : "";
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_XMLNS}">` +
    `<Name>${escape(name)}</Name><Prefix>${escape(prefix)}</Prefix><KeyCount>${shown.length}</KeyCount>` +
    `<MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
    (token ? `<ContinuationToken>${escape(token)}</ContinuationToken>` : "") +
    next +
    contents +
    `</ListBucketResult>`;
  return { status: 200, headers: { "Content-Type": "application/xml" }, body };
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
