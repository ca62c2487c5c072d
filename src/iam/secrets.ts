/**
 * The node's secret at work: access key secrets are stored sealed with it (AES-256-GCM), and
 * instance keys are derived from it (HMAC), so that nothing per instance is stored and the
 * store alone gives no usable key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** Seals and opens secrets with a key derived from the node's secret. */
export class SecretSealer {
  readonly #key: Buffer;

  constructor(nodeSecret: string) {
    this.#key = Buffer.from(hkdfSync("sha256", nodeSecret, "haneul", "iam access key secrets", 32));
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return ["v1", iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
  }

  /** The secret, or undefined when `sealed` was not sealed with this node's secret. */
  open(sealed: string): string | undefined {
    const [version, iv, tag, data] = sealed.split(".");
    if (version !== "v1" || !iv || !tag || data === undefined) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}

/** What an instance key stands for. */
export interface SessionClaims {
  readonly roleName: string;
  readonly roleId: string;
  readonly sessionName: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

/** Temporary credentials as Lambda hands them to a function. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * Mints and checks role-session keys. The session token carries the claims and their MAC; the
 * key id and secret are HMACs of the claims, so any node holding the node secret can check a
 * key without a lookup, and nothing is stored per instance.
 */
export class SessionKeys {
  readonly #root: Buffer;

  constructor(nodeSecret: string) {
    this.#root = Buffer.from(hkdfSync("sha256", nodeSecret, "haneul", "instance role sessions", 32));
  }

  /** New credentials for `claims`. */
  mint(claims: SessionClaims): SessionCredentials {
    const payload = Buffer.from(
      JSON.stringify({
        r: claims.roleName,
        i: claims.roleId,
        s: claims.sessionName,
        e: claims.expiresAt,
        n: randomBytes(8).toString("hex"),
      }),
    ).toString("base64url");
    return {
      accessKeyId: this.#keyId(payload),
      secretAccessKey: this.#mac("secret", payload).toString("base64").slice(0, 40),
      sessionToken: `${payload}.${this.#mac("token", payload).toString("base64url")}`,
    };
  }

  /** The claims and secret behind a key id and token; undefined when they were not minted here. */
  open(accessKeyId: string, sessionToken: string): { claims: SessionClaims; secret: string } | undefined {
    const dot = sessionToken.indexOf(".");
    if (dot < 0) return undefined;
    const payload = sessionToken.slice(0, dot);
    const mac = Buffer.from(sessionToken.slice(dot + 1), "base64url");
    const expected = this.#mac("token", payload);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    if (this.#keyId(payload) !== accessKeyId) return undefined;
    try {
      const c = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
        r: string;
        i: string;
        s: string;
        e: number;
      };
      const claims = { roleName: c.r, roleId: c.i, sessionName: c.s, expiresAt: c.e };
      return { claims, secret: this.#mac("secret", payload).toString("base64").slice(0, 40) };
    } catch {
      return undefined;
    }
  }

  #keyId(payload: string): string {
    let id = "ASIA";
    for (const b of this.#mac("key", payload).subarray(0, 16)) id += BASE32[b & 31];
    return id;
  }

  #mac(purpose: string, payload: string): Buffer {
    return createHmac("sha256", this.#root).update(`${purpose}|${payload}`).digest();
  }
}
