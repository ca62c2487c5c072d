#!/usr/bin/env node
import module from "node:module";

// Stack traces name the TypeScript sources: the bundle's source map chains to tsc's.
process.setSourceMapsEnabled(true);
// Node.js 22.1 and later keep V8's compiled code of the modules loaded here between runs (in the
// system's temporary directory): a start compiles again only what changed. Node.js 20 has no such cache.
module.enableCompileCache?.();
// The CLI as one bundle (scripts/bundle-cli.mjs, run by `npm run build`): loading the ~1,900
// modules of dist/src/main.js one by one costs about twice the CPU at every start.
const { main } = await import("../dist/src/bundle/main.js");

process.exitCode = await main(process.argv.slice(2));
