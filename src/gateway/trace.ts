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
  return `1-${epochHex(Math.floor(nowMs / 1000))}-${hex24}`;
}

// The epoch second's hex and requestTime's text change once a second: formatted once for all of
// that second's requests (Date formatting cost more than a microsecond per request).
let hexSecond = -1;
let hexText = "";

function epochHex(second: number): string {
  if (second !== hexSecond) {
    hexText = second.toString(16).padStart(8, "0");
    hexSecond = second;
  }
  return hexText;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B = (sextet: number): string => BASE64.charAt(sextet);

/**
 * API Gateway's short request id form (`Mc7UVioPPHcEKPA=`) from 11 random bytes as hex: the
 * base64 of those bytes, written without a Buffer (a Buffer per request cost more than the rest).
 */
export function shortRequestId(hex22: string): string {
  let out = "";
  // 11 bytes: three groups of 3 bytes (4 characters each), then 2 bytes (3 characters and `=`).
  for (let i = 0; i < 18; i += 6) {
    const n = parseInt(hex22.slice(i, i + 6), 16);
    out += B(n >>> 18) + B((n >>> 12) & 63) + B((n >>> 6) & 63) + B(n & 63);
  }
  const n = parseInt(hex22.slice(18, 22), 16) << 2;
  return out + B(n >>> 12) + B((n >>> 6) & 63) + B(n & 63) + "=";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `requestTime` as API Gateway writes it: `09/Apr/2015:12:34:56 +0000`. */
export function requestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== timeSecond) {
    timeText = formatRequestTime(epochMs);
    timeSecond = second;
  }
  return timeText;
}

let timeSecond = Number.NaN;
let timeText = "";

function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} +0000`;
}
