import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** SHA-256 (or HMAC-SHA-256 with a key) in the shape @smithy/signature-v4 expects, from node:crypto. */
export class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: Data) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: Data): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }
}

type Data = string | ArrayBuffer | ArrayBufferView;

function bytes(d: Data): string | Uint8Array {
  if (typeof d === "string") return d;
  if (d instanceof ArrayBuffer) return new Uint8Array(d);
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** The real AWS SigV4 signer (as used by SDK v3) for service `lambda`. */
export function lambdaSigner(accessKeyId: string, secretAccessKey: string, region = "us-east-1"): SignatureV4 {
  return new SignatureV4({
    service: "lambda",
    region,
    credentials: { accessKeyId, secretAccessKey },
    sha256: NodeSha256,
  });
}
