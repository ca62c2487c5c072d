import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveApi, resolveStage } from "./addressing.js";
import { binaryMatcher } from "./media-types.js";
import type { CompiledApi, CompiledRoute, CompiledStage, RouteTable } from "./model.js";
import { TrieRouter } from "./trie-router.js";

function api(protocol: "HTTP" | "REST", stages: string[]): CompiledApi {
  const table: RouteTable = { deploymentId: "d", router: new TrieRouter<CompiledRoute>(), fallback: undefined };
  const map = new Map<string, CompiledStage>(
    stages.map((name) => [name, { name, variables: {}, table, canary: undefined }]),
  );
  return { apiId: "a1", protocol, stages: map, cors: undefined, isBinary: binaryMatcher([]) };
}

test("resolveApi: host-based and path-based forms", () => {
  assert.deepEqual(resolveApi("a1.execute-api.localhost:3000", "/Prod/x"), {
    apiId: "a1",
    rest: "/Prod/x",
    explicitStage: false,
  });
  assert.deepEqual(resolveApi("127.0.0.1:3000", "/_api/a1/Prod/x"), {
    apiId: "a1",
    rest: "/Prod/x",
    explicitStage: true,
  });
  assert.deepEqual(resolveApi(undefined, "/_api/a1"), { apiId: "a1", rest: "/", explicitStage: true });
  assert.equal(resolveApi("localhost:3000", "/x"), undefined);
  assert.equal(resolveApi("localhost", "/_api/"), undefined);
});

test("resolveStage: REST needs the stage segment", () => {
  const rest = api("REST", ["Prod"]);
  const s = resolveStage(rest, { apiId: "a1", rest: "/Prod/items/1", explicitStage: false });
  assert.equal(s?.stage.name, "Prod");
  assert.equal(s?.path, "/items/1");
  assert.equal(s?.contextPath, "/Prod/items/1");
  assert.equal(resolveStage(rest, { apiId: "a1", rest: "/Prod", explicitStage: false })?.path, "/");
  assert.equal(resolveStage(rest, { apiId: "a1", rest: "/Dev/items", explicitStage: false }), undefined);
});

test("resolveStage: HTTP APIs serve $default from the root, named stages by segment", () => {
  const http = api("HTTP", ["$default", "dev"]);
  const root = resolveStage(http, { apiId: "a1", rest: "/items", explicitStage: false });
  assert.equal(root?.stage.name, "$default");
  assert.equal(root?.path, "/items");
  const dev = resolveStage(http, { apiId: "a1", rest: "/dev/items", explicitStage: false });
  assert.equal(dev?.stage.name, "dev");
  assert.equal(dev?.contextPath, "/dev/items");
  const literal = resolveStage(http, { apiId: "a1", rest: "/$default/items", explicitStage: false });
  assert.equal(literal?.path, "/$default/items", "host form: $default is an ordinary segment");
  const pathForm = resolveStage(http, { apiId: "a1", rest: "/$default/items", explicitStage: true });
  assert.equal(pathForm?.path, "/items");
  assert.equal(pathForm?.contextPath, "/items");
  assert.equal(resolveStage(http, { apiId: "a1", rest: "/nope/items", explicitStage: true }), undefined);
  assert.equal(resolveStage(api("HTTP", ["dev"]), { apiId: "a1", rest: "/items", explicitStage: false }), undefined);
});
