#!/usr/bin/env node
import module from "node:module";

// Node.js 22.1 and later keep V8's compiled code of the modules loaded here between runs (in the
// system's temporary directory): a start compiles again only what changed. Node.js 20 has no such cache.
module.enableCompileCache?.();
const { main } = await import("../dist/src/main.js");

process.exitCode = await main(process.argv.slice(2));
