import type { FunctionSpec } from "../domain/function-spec.js";
import type { AliasRouting, FunctionCatalog } from "../ports/function-catalog.js";

/**
 * A catalog of fixed functions held in memory, for `haneul invoke` and tests that need no
 * control plane. Specs are keyed by function name and version.
 * @example new StaticCatalog([spec]).version("hello", "$LATEST")
 */
export class StaticCatalog implements FunctionCatalog {
  readonly #specs = new Map<string, FunctionSpec>();
  readonly #aliases = new Map<string, AliasRouting>();

  constructor(specs: readonly FunctionSpec[] = [], aliases: readonly (AliasRouting & { functionName: string })[] = []) {
    for (const s of specs) this.put(s);
    for (const a of aliases) this.#aliases.set(`${a.functionName}:${a.name}`, a);
  }

  /** Adds or replaces a version's spec. */
  put(spec: FunctionSpec): void {
    this.#specs.set(`${spec.functionName}:${spec.version}`, spec);
  }

  /** Adds or replaces an alias. */
  putAlias(functionName: string, routing: AliasRouting): void {
    this.#aliases.set(`${functionName}:${routing.name}`, routing);
  }

  version(functionName: string, version: string): FunctionSpec | undefined {
    return this.#specs.get(`${functionName}:${version}`);
  }

  alias(functionName: string, alias: string): AliasRouting | undefined {
    return this.#aliases.get(`${functionName}:${alias}`);
  }

  reservedTotal(): number {
    const seen = new Map<string, number>();
    for (const s of this.#specs.values()) {
      if (s.reservedConcurrency !== undefined) seen.set(s.functionName, s.reservedConcurrency);
    }
    let total = 0;
    for (const v of seen.values()) total += v;
    return total;
  }
}
