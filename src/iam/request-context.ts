/**
 * The request context of one authorization: condition keys and their values, looked up
 * case-insensitively, and policy variables (`${aws:username}`) expanded from the same keys.
 */

/** Computes the values of a (lower-cased) condition key on demand. */
export type KeyResolver = (lowerKey: string) => readonly string[] | undefined;

/**
 * Condition keys of a request (`aws:SourceArn`, `aws:username`, …), names compared
 * case-insensitively. Built from values, or from a resolver, so that a request whose policies
 * name no condition key pays nothing for them.
 */
export class RequestContext {
  readonly #values = new Map<string, readonly string[]>();
  readonly #resolve: KeyResolver | undefined;

  constructor(values: Readonly<Record<string, string | readonly string[] | undefined>> | KeyResolver = {}) {
    if (typeof values === "function") {
      this.#resolve = values;
      return;
    }
    for (const [k, v] of Object.entries(values)) {
      if (v !== undefined) this.#values.set(k.toLowerCase(), typeof v === "string" ? [v] : v);
    }
  }

  /** The values of `key`, or undefined when the request does not carry it. */
  get(key: string): readonly string[] | undefined {
    const lower = key.toLowerCase();
    return this.#resolve ? this.#resolve(lower) : this.#values.get(lower);
  }

  /** A copy with more keys (later ones win). */
  with(values: Readonly<Record<string, string | readonly string[] | undefined>>): RequestContext {
    const next = new RequestContext();
    if (this.#resolve) throw new Error("a resolving RequestContext cannot be extended");
    for (const [k, v] of this.#values) next.#values.set(k, v);
    for (const [k, v] of Object.entries(values))
      if (v !== undefined) next.#values.set(k.toLowerCase(), typeof v === "string" ? [v] : v);
    return next;
  }
}

const VARIABLE = /\$\{([^}]*)\}/g;
const SPECIAL_CHARS: Readonly<Record<string, string>> = { "*": "*", "?": "?", $: "$" };

/** Whether `text` holds a policy variable. */
export function hasVariable(text: string): boolean {
  return text.includes("${");
}

/**
 * Expands the policy variables of `text`; undefined when one names a key the request lacks and
 * has no default (the element then matches nothing, as on AWS). `${*}`, `${?}`, `${$}` are the
 * literal characters; `${key, 'default'}` gives a default.
 */
export function expandVariables(text: string, ctx: RequestContext): string | undefined {
  let missing = false;
  const out = text.replace(VARIABLE, (_m, inner: string) => {
    const special = SPECIAL_CHARS[inner.trim()];
    if (special !== undefined) return special;
    const comma = inner.indexOf(",");
    const key = (comma < 0 ? inner : inner.slice(0, comma)).trim();
    const value = ctx.get(key)?.[0];
    if (value !== undefined) return value;
    const fallback = comma < 0 ? undefined : /^\s*'(.*)'\s*$/.exec(inner.slice(comma + 1))?.[1];
    if (fallback !== undefined) return fallback;
    missing = true;
    return "";
  });
  return missing ? undefined : out;
}
