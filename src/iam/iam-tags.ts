/** Tags of IAM roles and policies: IAM's limits, and adding or removing them by key. */
import type { IamTag } from "../ports/iam-store.js";
import { PlatformError } from "../shared/errors.js";

const MAX_TAGS = 50;

function invalid(message: string): PlatformError {
  return new PlatformError("ERR_IAM_VALIDATION", `1 validation error detected: ${message}`);
}

/** Refuses tags IAM refuses: over 50, a key of 1–128 or a value of 0–256 characters broken. */
export function checkTags(tags: readonly IamTag[]): IamTag[] {
  if (tags.length > MAX_TAGS) {
    throw invalid(
      `Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  const keys = new Set<string>();
  for (const t of tags) {
    if (t.Key.length < 1 || t.Key.length > 128)
      throw invalid(
        `Value '${t.Key}' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128`,
      );
    if (t.Value.length > 256)
      throw invalid(
        `Value '${t.Value}' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
      );
    if (keys.has(t.Key.toLowerCase()))
      throw new PlatformError(
        "ERR_IAM_INVALID_INPUT",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
      );
    keys.add(t.Key.toLowerCase());
  }
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** `current` with `added` put on: a key already there (in any case) takes the new value. */
export function mergeTags(current: readonly IamTag[], added: readonly IamTag[]): IamTag[] {
  checkTags(added);
  const out = current.map((t) => ({ ...t }));
  for (const t of added) {
    const i = out.findIndex((o) => o.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = { Key: out[i]!.Key, Value: t.Value };
    else out.push({ Key: t.Key, Value: t.Value });
  }
  if (out.length > MAX_TAGS)
    throw new PlatformError("ERR_IAM_LIMIT_EXCEEDED", `The number of tags has reached the maximum limit.`);
  return out;
}

/** `current` without the tags of `keys` (in any case); a key not there is fine. */
export function withoutTags(current: readonly IamTag[], keys: readonly string[]): IamTag[] {
  const gone = new Set(keys.map((k) => k.toLowerCase()));
  return current.filter((t) => !gone.has(t.Key.toLowerCase()));
}
