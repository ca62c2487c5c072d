#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/main.js and everything it imports, haneul's dependencies
// included) into dist/src/bundle/, which bin/haneul.js runs. Loading ~1,900 modules one by one
// cost `haneul dev` about 1 s of CPU at each start; one bundle (a chunk per lazily imported
// command) parses in about a third of that. Run by `npm run build` after tsc.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// dist/src/bundle/ is as deep below dist/ as the compiled modules that find their files from their
// own location (dist/src/compose/engine.js: ../../runtime, dist/src/cli/main.js: ../../../package.json),
// so those relative paths hold in the bundle too.
const OUT = join(ROOT, "dist", "src", "bundle");

rmSync(OUT, { recursive: true, force: true });
await build({
  // The worker threads' modules too, next to the chunks that start them: those find them as
  // `new URL("./<name>.js", import.meta.url)`, which esbuild leaves as it is.
  entryPoints: {
    main: join(ROOT, "dist", "src", "main.js"),
    "log-append-thread": join(ROOT, "dist", "src", "adapters", "sqlite", "log-append-thread.js"),
    "metric-write-thread": join(ROOT, "dist", "src", "adapters", "sqlite", "metric-write-thread.js"),
  },
  outdir: OUT,
  bundle: true,
  // A chunk per dynamic import: `haneul server` still loads none of the AWS SDK clients.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Chained to tsc's maps: stack traces name the TypeScript sources (bin/haneul.js turns them on).
  sourcemap: true,
  sourcesContent: false,
  // A native addon, a driver with an optional native part, and the bundler itself (a binary).
  external: ["better-sqlite3", "pg", "esbuild"],
  // CommonJS dependencies inside an ES module bundle call `require` for Node.js's built-ins.
  banner: {
    js: 'import { createRequire as __haneulCreateRequire } from "node:module"; const require = __haneulCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
