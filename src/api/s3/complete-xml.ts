/**
 * The body of CompleteMultipartUpload: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>
 * <ETag>"…"</ETag>[<ChecksumCRC32>…</ChecksumCRC32>…]</Part>…</CompleteMultipartUpload>`. The schema
 * is one flat list of flat elements, read strictly: anything else is S3's MalformedXML.
 */
import { PlatformError } from "../../shared/errors.js";

/** A part as the request names it. */
export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
}

const malformed = () =>
  new PlatformError(
    "ERR_S3_MALFORMED_XML",
    "The XML you provided was not well-formed or did not validate against our published schema",
  );

const ROOT =
  /^\s*(?:<\?xml[^>]*\?>)?\s*<CompleteMultipartUpload(?:\s+xmlns="[^"]*")?\s*>([\s\S]*)<\/CompleteMultipartUpload>\s*$/;
const PART = /\s*<Part>((?:\s*<([A-Za-z0-9]+)>[^<]*<\/\2>)*)\s*<\/Part>\s*/y;
const FIELD = /<([A-Za-z0-9]+)>([^<]*)<\/\1>/g;
const ENTITIES: Readonly<Record<string, string>> = { quot: '"', amp: "&", lt: "<", gt: ">", apos: "'" };

/** The parts of a CompleteMultipartUpload body, in the order given; MalformedXML when it is not one. */
export function parseCompleteParts(body: Buffer): RequestedPart[] {
  const inner = ROOT.exec(body.toString("utf8"))?.[1];
  if (inner === undefined) throw malformed();
  const parts: RequestedPart[] = [];
  PART.lastIndex = 0;
  while (PART.lastIndex < inner.length) {
    const m = PART.exec(inner);
    if (!m) throw malformed();
    const fields = new Map<string, string>();
    for (const f of (m[1] ?? "").matchAll(FIELD)) fields.set(f[1] ?? "", decode(f[2] ?? ""));
    const number = fields.get("PartNumber") ?? "";
    const etag = fields.get("ETag");
    if (!/^\d+$/.test(number) || etag === undefined) throw malformed();
    parts.push({ partNumber: Number(number), etag });
  }
  if (parts.length === 0 || inner.slice(PART.lastIndex).trim() !== "") throw malformed();
  return parts;
}

function decode(text: string): string {
  return text.replace(
    /&(?:(quot|amp|lt|gt|apos)|#(\d+)|#x([0-9a-fA-F]+));/g,
    (_, name?: string, dec?: string, hex?: string) =>
      name ? (ENTITIES[name] ?? "") : String.fromCodePoint(dec ? Number(dec) : parseInt(hex ?? "0", 16)),
  );
}
