import { parse as parseToml } from "smol-toml";
import { templateError } from "./values.js";

/**
 * Parameter overrides as `sam deploy` and `aws cloudformation deploy` take them: `K=V` words and
 * `ParameterKey=K,ParameterValue=V` words, quoted as a shell quotes them, from the command line or
 * from samconfig.toml's `parameter_overrides`.
 */

/** Splits a line the way a shell splits words (single and double quotes, backslash escapes). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && (text[i + 1] === '"' || text[i + 1] === "\\"))
        word = (word ?? "") + text[++i];
      else word = (word ?? "") + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word = word ?? "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "\\" && i + 1 < text.length) word = (word ?? "") + text[++i];
    else word = (word ?? "") + c;
  }
  if (quote) throw templateError(`Invalid parameter overrides: unbalanced ${quote} in ${text}`);
  if (word !== undefined) words.push(word);
  return words;
}

const LONG_FORM = /^ParameterKey=([^,]+),ParameterValue=(.*)$/s;

/** Reads override words (each `K=V` or `ParameterKey=K,ParameterValue=V`) into a map; later words win. */
export function parseParameterOverrides(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const long = LONG_FORM.exec(word);
    if (long) {
      out[long[1] as string] = long[2] as string;
      continue;
    }
    const eq = word.indexOf("=");
    if (eq <= 0) {
      throw templateError(
        `Invalid parameter override '${word}': expected Key=Value or ParameterKey=Key,ParameterValue=Value`,
      );
    }
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

/** The settings of one command in samconfig.toml: `[env.global.parameters]` overlaid by `[env.command.parameters]`. */
export interface SamConfigSection {
  readonly [key: string]: unknown;
}

/** Reads samconfig.toml for `command` (deploy, build…) in environment `env` (default: "default"). */
export function readSamConfig(text: string, command: string, env = "default"): SamConfigSection {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    throw templateError(
      `samconfig.toml is not valid TOML: ${e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)}`,
    );
  }
  const envTable = (doc[env] ?? {}) as Record<string, Record<string, Record<string, unknown>> | undefined>;
  return { ...(envTable.global?.parameters ?? {}), ...(envTable[command]?.parameters ?? {}) };
}

/** The parameter overrides a samconfig section holds (a string of words or a list of them). */
export function samConfigOverrides(section: SamConfigSection): Record<string, string> {
  const raw = section.parameter_overrides;
  if (raw === undefined) return {};
  if (typeof raw === "string") return parseParameterOverrides(splitWords(raw));
  if (Array.isArray(raw)) return parseParameterOverrides(raw.flatMap((w) => splitWords(String(w))));
  throw templateError("samconfig.toml: parameter_overrides must be a string or a list of strings");
}
