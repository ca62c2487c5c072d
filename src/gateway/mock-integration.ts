/**
 * `MOCK` integrations: no backend, the status the request template names (`{"statusCode": 200}`),
 * 200 without one. A template that names no variable renders the same bytes for every request, so
 * the status they name is read once, when the API is compiled.
 */
import type { BackendAnswer } from "./custom-integration.js";
import { fixedOutput, type MappingTemplate } from "./mapping-template.js";

const EMPTY = Buffer.alloc(0);
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

// The status (as the selection patterns read it) each fixed request template of a MOCK names, by
// its bytes, which every request shares.
const FIXED_SELECTOR = new WeakMap<Buffer, string>();

/** Reads the status of a MOCK's fixed request templates once, at compile time. */
export function noteFixedMockTemplates(templates: Iterable<MappingTemplate>): void {
  for (const t of templates) {
    const fixed = fixedOutput(t);
    if (fixed) FIXED_SELECTOR.set(fixed.bytes, String(mockStatus(fixed.bytes)));
  }
}

/** A MOCK's answer: the status its integration request names, no body. */
export function mockAnswer(request: Buffer): BackendAnswer {
  const selector = FIXED_SELECTOR.get(request) ?? String(mockStatus(request));
  return { selector, body: EMPTY, headers: NO_HEADERS };
}

function mockStatus(body: Buffer): number {
  if (body.length === 0) return 200;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { statusCode?: unknown };
    const n = Number(parsed.statusCode);
    return Number.isInteger(n) ? n : 200;
  } catch {
    return 200;
  }
}
