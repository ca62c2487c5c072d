import { templateError, textOf } from "./values.js";
import type { TemplateValue } from "./values.js";

/** Fn::Cidr [ipBlock, count, cidrBits]: `count` IPv4 subnets of `32 - cidrBits` prefix length carved from `ipBlock`. */
export function cidr(arg: TemplateValue, path: (string | number)[]): string[] {
  const message = "Template error: Fn::Cidr requires a list of an IPv4 CIDR block, a count and the subnet's host bits";
  if (!Array.isArray(arg) || arg.length !== 3) throw templateError(message, { path });
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(textOf(arg[0]));
  const count = Number(arg[1]);
  const bits = Number(arg[2]);
  if (!m || !Number.isInteger(count) || !Number.isInteger(bits)) throw templateError(message, { path });
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  const size = 2 ** bits;
  if (prefix > 32 - bits || count < 1 || count > 256 || count * size > 2 ** (32 - prefix)) {
    throw templateError(
      `Template error: Fn::Cidr cannot carve ${count} subnets of /${32 - bits} from ${textOf(arg[0])}`,
      { path },
    );
  }
  const start = base - (base % 2 ** (32 - prefix));
  return Array.from({ length: count }, (_, i) => `${ipv4(start + i * size)}/${32 - bits}`);
}

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
