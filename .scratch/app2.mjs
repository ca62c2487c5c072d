import { testEngine, fixtureSpec } from "../dist/test/helpers/engine.js";
import { writeFileSync, mkdirSync, chmodSync } from "node:fs";
mkdirSync("/tmp/sbx-exp/code", { recursive: true }); chmodSync("/tmp/sbx-exp", 0o755);
writeFileSync("/tmp/sbx-exp/code/index.js", "exports.handler = async () => ({ opt: require('fs').readdirSync('/opt'), nodePath: process.env.NODE_PATH, nm: (()=>{try{return require('fs').readdirSync('/opt/nodejs/node_modules').length}catch(e){return e.message}})() });");
const e = await testEngine([fixtureSpec("x", "index.handler", { functionName: "h", codeDir: "/tmp/sbx-exp/code" })], { layerNodeModules: "/work/wt/sandbox/node_modules" });
const r = await e.call("h", {});
console.log(r.outcome.kind, JSON.stringify(r.body).slice(0, 500));
await e.close();
