import { testEngine, fixtureSpec } from "../dist/test/helpers/engine.js";
const e = await testEngine([fixtureSpec("apps", "hono-app.handler", { functionName: "h", codeDir: "/work/wt/sandbox/test/fixtures/apps" })], { layerNodeModules: "/work/wt/sandbox/node_modules" });
const r = await e.call("h", { rawPath: "/", requestContext: { http: { method: "GET" } }, headers: {} , version: "2.0"});
console.log(r.outcome.kind, JSON.stringify(r.body).slice(0, 500), r.record.logs.join("\n").slice(0, 1500));
await e.close();
