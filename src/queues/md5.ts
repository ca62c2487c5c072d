/**
 * The MD5 digests SQS returns and the SDKs check: of the body (its UTF-8 bytes), and of the
 * message attributes in SQS's binary encoding — names sorted; for each, the name, the data type,
 * a transport byte (1 string, 2 binary) and the value, every field length-prefixed (4 bytes, big-endian).
 */
import { createHash } from "node:crypto";
import type { MessageAttributeValue } from "../ports/queue-store.js";

/** Hex MD5 of a body's UTF-8 bytes. */
export function md5OfBody(body: string): string {
  return createHash("md5").update(body, "utf8").digest("hex");
}

function field(bytes: Buffer): Buffer[] {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return [len, bytes];
}

/** Hex MD5 of message attributes as SQS computes it; undefined when there are none. */
export function md5OfAttributes(
  attrs: Readonly<Record<string, MessageAttributeValue>> | undefined,
): string | undefined {
  const names = Object.keys(attrs ?? {}).sort();
  if (!attrs || names.length === 0) return undefined;
  const hash = createHash("md5");
  for (const name of names) {
    const a = attrs[name]!;
    const binary = a.BinaryValue !== undefined && a.DataType.startsWith("Binary");
    const parts = [
      ...field(Buffer.from(name, "utf8")),
      ...field(Buffer.from(a.DataType, "utf8")),
      Buffer.from([binary ? 2 : 1]),
      ...field(binary ? Buffer.from(a.BinaryValue, "base64") : Buffer.from(a.StringValue ?? "", "utf8")),
    ];
    for (const p of parts) hash.update(p);
  }
  return hash.digest("hex");
}
