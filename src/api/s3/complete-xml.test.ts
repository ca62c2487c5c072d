import assert from "node:assert/strict";
import { test } from "node:test";
import { isPlatformError } from "../../shared/errors.js";
import { parseCompleteParts } from "./complete-xml.js";

const parse = (s: string) => parseCompleteParts(Buffer.from(s));
const malformed = (e: unknown) => isPlatformError(e) && e.code === "ERR_S3_MALFORMED_XML";

test("reads the parts as the SDKs and the CLI write them (entities, namespace, checksums, whitespace)", () => {
  const sdk =
    '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    "<Part><ChecksumCRC32>AAAAAA==</ChecksumCRC32><ETag>&quot;a1&quot;</ETag><PartNumber>1</PartNumber></Part>" +
    "<Part><ETag>&#34;b2&#34;</ETag><PartNumber>3</PartNumber></Part></CompleteMultipartUpload>";
  assert.deepEqual(parse(sdk), [
    { partNumber: 1, etag: '"a1"' },
    { partNumber: 3, etag: '"b2"' },
  ]);
  const pretty = `<CompleteMultipartUpload>
  <Part>
    <PartNumber>2</PartNumber>
    <ETag>c3</ETag>
  </Part>
</CompleteMultipartUpload>
`;
  assert.deepEqual(parse(pretty), [{ partNumber: 2, etag: "c3" }]);
});

test("anything else is MalformedXML: no parts, a part without number or ETag, other elements, garbage", () => {
  for (const body of [
    "",
    "<CompleteMultipartUpload></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part><Other/></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>",
    "<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>",
  ]) {
    assert.throws(() => parse(body), malformed, body);
  }
});
