/**
 * Third-party applications, unmodified, behind the gateway: Express under serverless-http and
 * under @codegenie/serverless-express, and Hono under hono/aws-lambda, each behind a REST API
 * (payload 1.0) and an HTTP API (payload 2.0), running in real function processes.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APPS, appSpec, httpApi, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const { makePng } = createRequire(join(APPS, "png.js"))("./png.js") as { makePng: () => Buffer };

const APPS_UNDER_TEST = [
  ["serverless-http", "express-serverless-http.handler"],
  ["serverless-express", "express-codegenie.handler"],
  ["hono", "hono-app.handler"],
] as const;

const specs = APPS_UNDER_TEST.flatMap(([name, handler]) => [
  appSpec(`${name}-rest`, handler),
  appSpec(`${name}-http`, handler),
]);
const apis = APPS_UNDER_TEST.flatMap(([name]) => [
  restApi(`${name}-rest`.replace(/-/g, ""), [route("ANY /", `${name}-rest`), route("ANY /{proxy+}", `${name}-rest`)], {
    binaryMediaTypes: ["image/png"],
  }),
  httpApi(`${name}-http`.replace(/-/g, ""), [route("$default", `${name}-http`)]),
]);

let h: Harness;
before(async () => {
  h = await startGateway(specs, apis);
});
after(() => h.close());

for (const [name] of APPS_UNDER_TEST) {
  for (const kind of ["rest", "http"] as const) {
    const api = `${name}-${kind}`.replace(/-/g, "");
    const prefix = kind === "rest" ? "/Prod" : "";
    const get = (path: string, headers?: Record<string, string>) => send(h.port, prefix + path, { api, headers });
    const withBody = (method: string, path: string, value: unknown) =>
      send(h.port, prefix + path, {
        api,
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(value),
      });

    describe(`${name} behind a ${kind === "rest" ? "REST API (payload 1.0)" : "HTTP API (payload 2.0)"}`, () => {
      test("CRUD with path parameters and JSON bodies", async () => {
        const created = await withBody("POST", "/items", { name: "widget", tags: ["a", "ü"] });
        assert.equal(created.status, 201, created.text);
        const item = created.json() as { id: string; name: string };
        assert.equal(item.name, "widget");
        const read = await get(`/items/${item.id}`);
        assert.equal(read.status, 200);
        assert.deepEqual(read.json(), { id: item.id, name: "widget", tags: ["a", "ü"] });
        const updated = await withBody("PUT", `/items/${item.id}`, { name: "gadget" });
        assert.equal(updated.status, 200);
        assert.deepEqual(updated.json(), { id: item.id, name: "gadget" });
        const list = await get("/items");
        assert.ok((list.json() as { id: string }[]).some((i) => i.id === item.id));
        const deleted = await send(h.port, `${prefix}/items/${item.id}`, { api, method: "DELETE" });
        assert.equal(deleted.status, 204);
        const gone = await get(`/items/${item.id}`);
        assert.equal(gone.status, 404);
        assert.deepEqual(gone.json(), { error: "not found", id: item.id });
      });

      test("two cookies come back as two Set-Cookie headers", async () => {
        const res = await get("/login");
        assert.equal(res.status, 200);
        const cookies = res.headers["set-cookie"] ?? [];
        assert.equal(cookies.length, 2, JSON.stringify(res.headers));
        assert.match(cookies.find((c) => c.startsWith("session=")) ?? "", /^session=abc123;.*HttpOnly/i);
        assert.match(cookies.find((c) => c.startsWith("theme=")) ?? "", /^theme=dark;/);
      });

      test("request cookies and query strings reach the app", async () => {
        const res = await get("/whoami?x=1&y=two%20words", { cookie: "a=1; b=2" });
        assert.equal(res.status, 200);
        assert.deepEqual(res.json(), { cookie: "a=1; b=2", query: { x: "1", y: "two words" } });
      });

      test("a PNG arrives byte for byte", async () => {
        const res = await get("/logo.png");
        assert.equal(res.status, 200);
        assert.equal(res.headers["content-type"], "image/png");
        assert.ok(res.body.equals(makePng()), `got ${res.body.length} bytes`);
      });

      test("the app's own 404", async () => {
        const res = await get("/no/such/thing");
        assert.equal(res.status, 404);
        assert.deepEqual(res.json(), { error: "no such route" });
      });
    });
  }
}

test("the path-based address form reaches the same APIs", async () => {
  const rest = await send(h.port, "/_api/honorest/Prod/items/none");
  assert.equal(rest.status, 404);
  assert.deepEqual(rest.json(), { error: "not found", id: "none" });
  const http = await send(h.port, "/_api/honohttp/$default/");
  assert.equal(http.status, 200);
  assert.deepEqual(http.json(), { app: "hono" });
});
