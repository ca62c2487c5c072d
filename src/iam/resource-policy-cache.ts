/**
 * Resource-based policies (a function's, a queue's, a topic's) are stored as text and evaluated on
 * every call that needs one: each distinct text is parsed and compiled once, in a bounded cache.
 */
import { compilePolicy, type CompiledPolicy } from "./evaluate.js";
import { parsePolicy } from "./policy-document.js";

const MAX_ENTRIES = 1000;
const compiled = new Map<string, CompiledPolicy>();

/** The compiled form of a resource policy's text; throws MalformedPolicyError for a bad one. */
export function compiledResourcePolicy(text: string): CompiledPolicy {
  let policy = compiled.get(text);
  if (policy === undefined) {
    policy = compilePolicy(parsePolicy(text, "resource"));
    if (compiled.size >= MAX_ENTRIES) compiled.clear();
    compiled.set(text, policy);
  }
  return policy;
}
