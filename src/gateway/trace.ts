const ROOT_RE = /(?:^|;)\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})/;

/**
 * The X-Ray trace root for a request: the caller's `Root=` when it sent a valid
 * `X-Amzn-Trace-Id`, else a new `1-<epoch seconds hex>-<hex24>`.
 */
export function traceRoot(incoming: string | undefined, nowMs: number, hex24: string): string {
  if (incoming) {
    const m = ROOT_RE.exec(incoming);
    if (m) return m[1] as string;
  }
  const epoch = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, "0");
  return `1-${epoch}-${hex24}`;
}

/** API Gateway's short request id form (`Mc7UVioPPHcEKPA=`) from 11 random bytes as hex. */
export function shortRequestId(hex22: string): string {
  return Buffer.from(hex22, "hex").toString("base64");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `requestTime` as API Gateway writes it: `09/Apr/2015:12:34:56 +0000`. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} +0000`;
}
