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
/** Each sextet's base64 character code. */
const B64 = Uint8Array.from(BASE64, (c) => c.charCodeAt(0));
/** Each ASCII code's hex digit value (lower or upper case). */
const HEX = new Uint8Array(128);
for (let i = 0; i < 16; i++) {
  HEX["0123456789abcdef".charCodeAt(i)] = i;
  HEX["0123456789ABCDEF".charCodeAt(i)] = i;
}
/** The 16 character codes of one short id, reused: formatted in one String.fromCharCode call. */
const SHORT = new Array<number>(16).fill(61);

/** Byte `i` of a hex string. */
function byteAt(hex: string, i: number): number {
  return (HEX[hex.charCodeAt(2 * i) & 127]! << 4) | HEX[hex.charCodeAt(2 * i + 1) & 127]!;
}

/**
 * API Gateway's short request id form (`Mc7UVioPPHcEKPA=`) from 11 random bytes as hex: the
 * base64 of those bytes, written without a Buffer (a Buffer per request cost more than the rest)
 * and as one flat string (built by concatenation it cost a microsecond).
 */
export function shortRequestId(hex22: string): string {
  // 11 bytes: three groups of 3 bytes (4 characters each), then 2 bytes (3 characters and `=`).
  for (let g = 0; g < 3; g++) {
    const n = (byteAt(hex22, 3 * g) << 16) | (byteAt(hex22, 3 * g + 1) << 8) | byteAt(hex22, 3 * g + 2);
    SHORT[4 * g] = B64[n >>> 18]!;
    SHORT[4 * g + 1] = B64[(n >>> 12) & 63]!;
    SHORT[4 * g + 2] = B64[(n >>> 6) & 63]!;
    SHORT[4 * g + 3] = B64[n & 63]!;
  }
  const n = ((byteAt(hex22, 9) << 8) | byteAt(hex22, 10)) << 2;
  SHORT[12] = B64[n >>> 12]!;
  SHORT[13] = B64[(n >>> 6) & 63]!;
  SHORT[14] = B64[n & 63]!;
  return String.fromCharCode(...SHORT);
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
