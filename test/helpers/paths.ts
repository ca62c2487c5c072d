import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from dist/test/…). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** Fixture handler directories. */
export const HANDLERS = join(ROOT, "test", "fixtures", "handlers");
/** The haneul CLI entry point. */
export const CLI = join(ROOT, "bin", "haneul.js");
