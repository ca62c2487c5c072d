/**
 * S3 multipart uploads against a real `haneul server`: the AWS CLI v2's `aws s3 cp` of a file above
 * its 8 MB multipart threshold (both ways), every multipart `aws s3api` call and its errors, the SDK
 * v3's commands (with the CRC32 checksums it adds), and `aws cloudformation package` of an artifact
 * large enough to go up in parts.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { awsCli, type CliResult } from "../helpers/apigw-stack.js";
import { SERVER_KEY, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeS3EndpointRules } from "../helpers/s3-endpoint-rules.js";

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash("md5").update(b).digest();
/** S3's ETag of a multipart object: the MD5 of the parts' MD5s, then the part count. */
const multipartEtag = (parts: Buffer[]) => `"${md5(Buffer.concat(parts.map(md5))).toString("hex")}-${parts.length}"`;

let node: ServerNode;
let dir: ReturnType<typeof tempDir>;

function aws(...args: string[]): Promise<CliResult> {
  return awsCli({ apiUrl: node.apiUrl, credentials: SERVER_KEY, home: dir.path }, args);
}
async function ok<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const r = await aws(...args);
  assert.equal(r.code, 0, `aws ${args.join(" ")}:\n${r.stderr}`);
  // `aws s3 …` prints progress lines, `aws s3api …` JSON.
  return (args[0] === "s3api" && r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}
async function fails(pattern: RegExp, ...args: string[]): Promise<void> {
  const r = await aws(...args);
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, pattern);
}

describe("S3 multipart uploads", () => {
  before(async () => {
    node = await startServerNode({ timeoutMs: 60_000 });
    dir = tempDir("s3-multipart", { inRepo: true });
    await ok("s3", "mb", "s3://big");
  });
  after(async () => {
    await node?.close();
    await dir?.remove();
  });

  test("aws s3 cp of a 20 MiB file goes up in 8 MiB parts and comes back whole", async () => {
    const data = randomBytes(20 * MiB);
    writeFileSync(join(dir.path, "up.bin"), data);
    await ok("s3", "cp", join(dir.path, "up.bin"), "s3://big/dir/up.bin");
    const head = await ok<{ ETag: string; ContentLength: number }>(
      ...["s3api", "head-object", "--bucket", "big", "--key", "dir/up.bin"],
    );
    const parts = [data.subarray(0, 8 * MiB), data.subarray(8 * MiB, 16 * MiB), data.subarray(16 * MiB)];
    assert.equal(head.ETag, multipartEtag(parts));
    assert.equal(head.ContentLength, data.length);
    await ok("s3", "cp", "s3://big/dir/up.bin", join(dir.path, "down.bin"));
    assert.ok(readFileSync(join(dir.path, "down.bin")).equals(data));
    const ranged = await ok<{ ContentRange: string }>(
      ...["s3api", "get-object", "--bucket", "big", "--key", "dir/up.bin", "--range", "bytes=-5"],
      join(dir.path, "tail.bin"),
    );
    assert.equal(ranged.ContentRange, `bytes ${data.length - 5}-${data.length - 1}/${data.length}`);
    assert.ok(readFileSync(join(dir.path, "tail.bin")).equals(data.subarray(-5)));
    await fails(
      /\(InvalidRange\).*The requested range is not satisfiable/,
      ...["s3api", "get-object", "--bucket", "big", "--key", "dir/up.bin", "--range", `bytes=${data.length}-`],
      join(dir.path, "none.bin"),
    );
    const left = await ok<{ Uploads?: unknown[] }>("s3api", "list-multipart-uploads", "--bucket", "big");
    assert.equal(left.Uploads, undefined);
  });

  test("s3api: create, upload-part, upload-part-copy, list-parts, list-multipart-uploads, complete, abort", async () => {
    const first = randomBytes(5 * MiB);
    const last = Buffer.from("the last part may be small");
    writeFileSync(join(dir.path, "p1"), first);
    writeFileSync(join(dir.path, "p2"), last);
    await ok("s3api", "put-object", "--bucket", "big", "--key", "source", "--body", join(dir.path, "p2"));
    const { UploadId: id } = await ok<{ UploadId: string }>(
      ...["s3api", "create-multipart-upload", "--bucket", "big", "--key", "m", "--content-type", "text/x-test"],
    );
    const part = (n: string, file: string) =>
      ok<{ ETag: string }>(
        "s3api",
        "upload-part",
        "--bucket",
        "big",
        "--key",
        "m",
        "--upload-id",
        id,
        "--part-number",
        n,
        "--body",
        join(dir.path, file),
      );
    const e1 = (await part("1", "p1")).ETag;
    const e2 = (await part("2", "p2")).ETag;
    assert.equal(e1, `"${md5(first).toString("hex")}"`);
    const copied = await ok<{ CopyPartResult: { ETag: string } }>(
      ...["s3api", "upload-part-copy", "--bucket", "big", "--key", "m", "--upload-id", id, "--part-number", "3"],
      ...["--copy-source", "big/source", "--copy-source-range", "bytes=4-7"],
    );
    assert.equal(copied.CopyPartResult.ETag, `"${md5(last.subarray(4, 8)).toString("hex")}"`);

    const listed = await ok<{ Parts: { PartNumber: number; Size: number; ETag: string }[] }>(
      ...["s3api", "list-parts", "--bucket", "big", "--key", "m", "--upload-id", id],
    );
    assert.deepEqual(
      listed.Parts.map((p) => [p.PartNumber, p.Size, p.ETag]),
      [
        [1, first.length, e1],
        [2, last.length, e2],
        [3, 4, copied.CopyPartResult.ETag],
      ],
    );
    const uploads = await ok<{ Uploads: { Key: string; UploadId: string }[] }>(
      ...["s3api", "list-multipart-uploads", "--bucket", "big"],
    );
    assert.deepEqual(
      uploads.Uploads.map((u) => [u.Key, u.UploadId]),
      [["m", id]],
    );

    const complete = (parts: { PartNumber: number; ETag: string }[]) =>
      aws(
        ...["s3api", "complete-multipart-upload", "--bucket", "big", "--key", "m", "--upload-id", id],
        ...["--multipart-upload", JSON.stringify({ Parts: parts })],
      );
    const wrongTag = await complete([{ PartNumber: 1, ETag: e2 }]);
    assert.match(wrongTag.stderr, /\(InvalidPart\) when calling the CompleteMultipartUpload operation.*: One or more/);
    const unknown = await complete([{ PartNumber: 9, ETag: e1 }]);
    assert.match(unknown.stderr, /\(InvalidPart\)/);
    const order = await complete([
      { PartNumber: 2, ETag: e2 },
      { PartNumber: 1, ETag: e1 },
    ]);
    assert.match(order.stderr, /\(InvalidPartOrder\) .*The list of parts was not in ascending order/);
    const small = await complete([
      { PartNumber: 2, ETag: e2 },
      { PartNumber: 3, ETag: copied.CopyPartResult.ETag },
    ]);
    assert.match(small.stderr, /\(EntityTooSmall\) .*smaller than the minimum allowed size/);

    const done = await complete([
      { PartNumber: 1, ETag: e1 },
      { PartNumber: 2, ETag: e2 },
    ]);
    assert.equal(done.code, 0, done.stderr);
    assert.equal((JSON.parse(done.stdout) as { ETag: string }).ETag, multipartEtag([first, last]));
    await ok("s3api", "get-object", "--bucket", "big", "--key", "m", join(dir.path, "m.out"));
    assert.ok(readFileSync(join(dir.path, "m.out")).equals(Buffer.concat([first, last])));
    const head = await ok<{ ContentType: string }>("s3api", "head-object", "--bucket", "big", "--key", "m");
    assert.equal(head.ContentType, "text/x-test");
    // Completed: the upload and its unused part 3 are gone.
    await fails(
      /\(NoSuchUpload\) when calling the ListParts operation.*: The specified upload does not exist/,
      "s3api",
      "list-parts",
      "--bucket",
      "big",
      "--key",
      "m",
      "--upload-id",
      id,
    );

    const { UploadId: other } = await ok<{ UploadId: string }>(
      ...["s3api", "create-multipart-upload", "--bucket", "big", "--key", "n"],
    );
    await fails(/\(NoSuchUpload\)/, "s3api", "list-parts", "--bucket", "big", "--key", "m", "--upload-id", other);
    await fails(
      /\(InvalidArgument\) .*Part number must be an integer between 1 and 10000/,
      ...["s3api", "upload-part", "--bucket", "big", "--key", "n", "--upload-id", other, "--part-number", "10001"],
    );
    await ok("s3api", "abort-multipart-upload", "--bucket", "big", "--key", "n", "--upload-id", other);
    await fails(
      /\(NoSuchUpload\) when calling the AbortMultipartUpload operation/,
      "s3api",
      "abort-multipart-upload",
      "--bucket",
      "big",
      "--key",
      "n",
      "--upload-id",
      other,
    );
    await fails(
      /\(NoSuchUpload\) when calling the UploadPart operation/,
      "s3api",
      "upload-part",
      "--bucket",
      "big",
      "--key",
      "n",
      "--upload-id",
      other,
      "--part-number",
      "1",
    );
    const none = await ok<{ Uploads?: unknown[] }>("s3api", "list-multipart-uploads", "--bucket", "big");
    assert.equal(none.Uploads, undefined);
    await fails(/\(NoSuchBucket\)/, "s3api", "create-multipart-upload", "--bucket", "nobucket", "--key", "k");
  });

  test("list-multipart-uploads pages by key and upload id", async () => {
    const ids: string[] = [];
    for (const key of ["a", "a", "b"]) {
      const made = await ok<{ UploadId: string }>("s3api", "create-multipart-upload", "--bucket", "big", "--key", key);
      ids.push(made.UploadId);
    }
    const page = await ok<{
      Uploads: { Key: string }[];
      IsTruncated: boolean;
      NextKeyMarker: string;
      NextUploadIdMarker: string;
    }>(...["s3api", "list-multipart-uploads", "--bucket", "big", "--max-uploads", "2", "--no-paginate"]);
    assert.equal(page.IsTruncated, true);
    assert.deepEqual(
      page.Uploads.map((u) => u.Key),
      ["a", "a"],
    );
    const rest = await ok<{ Uploads: { Key: string }[] }>(
      ...["s3api", "list-multipart-uploads", "--bucket", "big", "--no-paginate"],
      ...["--key-marker", page.NextKeyMarker, "--upload-id-marker", page.NextUploadIdMarker],
    );
    assert.deepEqual(
      rest.Uploads.map((u) => u.Key),
      ["b"],
    );
    const afterKey = await ok<{ Uploads: { Key: string }[] }>(
      ...["s3api", "list-multipart-uploads", "--bucket", "big", "--no-paginate", "--key-marker", "a"],
    );
    assert.deepEqual(
      afterKey.Uploads.map((u) => u.Key),
      ["b"],
    );
    const all = await ok<{ Uploads: { Key: string; UploadId: string }[] }>(
      "s3api",
      "list-multipart-uploads",
      "--bucket",
      "big",
    );
    for (const u of all.Uploads)
      await ok("s3api", "abort-multipart-upload", "--bucket", "big", "--key", u.Key, "--upload-id", u.UploadId);
    assert.deepEqual(new Set(all.Uploads.map((u) => u.UploadId)), new Set(ids));
  });

  test("SDK v3 commands, with the CRC32 checksums the SDK sends", async () => {
    const s3 = new S3Client({
      endpoint: node.apiUrl,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: SERVER_KEY,
    });
    try {
      const parts = [randomBytes(5 * MiB), randomBytes(1000)];
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "big", Key: "sdk" }));
      const etags: string[] = [];
      for (const [i, body] of parts.entries()) {
        const out = await s3.send(
          new UploadPartCommand({ Bucket: "big", Key: "sdk", UploadId, PartNumber: i + 1, Body: body }),
        );
        etags.push(out.ETag ?? "");
      }
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          ...{ Bucket: "big", Key: "sdk", UploadId },
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
      assert.equal(done.ETag, multipartEtag(parts));
      const got = await s3.send(new GetObjectCommand({ Bucket: "big", Key: "sdk" }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
      const bad = await s3
        .send(
          new CompleteMultipartUploadCommand({
            ...{ Bucket: "big", Key: "sdk", UploadId },
            MultipartUpload: { Parts: [{ ETag: etags[0], PartNumber: 1 }] },
          }),
        )
        .catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
      assert.equal((bad as { name: string }).name, "NoSuchUpload");
    } finally {
      s3.destroy();
    }
  });

  test("aws cloudformation package of an artifact above the multipart threshold", async () => {
    // As in cloudformation-cli.test.ts: the package command's S3 client reaches haneul through an
    // endpoint ruleset on AWS_DATA_PATH (it takes no --endpoint-url).
    writeS3EndpointRules(dir.path, node.apiUrl);
    const src = join(dir.path, "fn");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "app.js"), "exports.handler = async () => 'big';");
    writeFileSync(join(src, "blob.bin"), randomBytes(10 * MiB)); // random: the zip stays above 8 MiB
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Big:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: nodejs20.x
`;
    writeFileSync(join(dir.path, "big.yaml"), template);
    const packaged = await awsCli(
      { apiUrl: node.apiUrl, credentials: SERVER_KEY, home: dir.path },
      ["cloudformation", "package", "--template-file", join(dir.path, "big.yaml"), "--s3-bucket", "big"].concat([
        "--output-template-file",
        join(dir.path, "packaged.yaml"),
      ]),
      { AWS_DATA_PATH: join(dir.path, "models") },
    );
    assert.equal(packaged.code, 0, packaged.stderr);
    const written = readFileSync(join(dir.path, "packaged.yaml"), "utf8");
    const key = /CodeUri: s3:\/\/big\/([0-9a-f]{32})/.exec(written)?.[1];
    assert.ok(key, written);
    const head = await ok<{ ETag: string; ContentLength: number }>(
      "s3api",
      "head-object",
      "--bucket",
      "big",
      "--key",
      key,
    );
    assert.match(head.ETag, /^"[0-9a-f]{32}-2"$/);
    assert.ok(head.ContentLength > 10 * MiB);
  });
});
