/**
 * The precedence cases every Router implementation must pass (run by router.test.ts for each).
 * Values are the route keys, so a failing case names the route that won.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { splitPath, type Router } from "./router.js";

type Expect = readonly [method: string, path: string, routeKey: string | undefined, params?: Record<string, string>];

interface Case {
  readonly name: string;
  readonly routes: readonly string[];
  readonly requests: readonly Expect[];
}

const CASES: readonly Case[] = [
  {
    name: "a static segment beats a parameter",
    routes: ["GET /items/{id}", "GET /items/new"],
    requests: [
      ["GET", "/items/new", "GET /items/new"],
      ["GET", "/items/7", "GET /items/{id}", { id: "7" }],
    ],
  },
  {
    name: "a parameter beats a greedy variable, which takes the rest of the path",
    routes: ["GET /items/{id}", "GET /items/{proxy+}"],
    requests: [
      ["GET", "/items/7", "GET /items/{id}", { id: "7" }],
      ["GET", "/items/7/parts/2", "GET /items/{proxy+}", { proxy: "7/parts/2" }],
    ],
  },
  {
    name: "the leftmost segment decides first",
    routes: ["GET /{a}/b", "GET /x/{c}"],
    requests: [["GET", "/x/b", "GET /x/{c}", { c: "b" }]],
  },
  {
    name: "a dead end backs off to the next-best template",
    routes: ["GET /x/{c}/d", "GET /{a}/b/e"],
    requests: [
      ["GET", "/x/b/d", "GET /x/{c}/d", { c: "b" }],
      ["GET", "/x/b/e", "GET /{a}/b/e", { a: "x" }],
    ],
  },
  {
    name: "the exact method beats ANY",
    routes: ["ANY /items", "GET /items"],
    requests: [
      ["GET", "/items", "GET /items"],
      ["POST", "/items", "ANY /items"],
    ],
  },
  {
    name: "AWS's documented example (full match, then greedy, then ANY greedy)",
    routes: ["GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}"],
    requests: [
      ["GET", "/pets/dog/1", "GET /pets/dog/1"],
      ["GET", "/pets/dog/2", "GET /pets/dog/{id}", { id: "2" }],
      ["GET", "/pets/cat/1", "GET /pets/{proxy+}", { proxy: "cat/1" }],
      ["POST", "/pets/dog/1", "ANY /{proxy+}", { proxy: "pets/dog/1" }],
    ],
  },
  {
    name: "a greedy variable needs at least one segment; the root is its own route",
    routes: ["ANY /{proxy+}"],
    requests: [
      ["GET", "/", undefined],
      ["GET", "/a", "ANY /{proxy+}", { proxy: "a" }],
    ],
  },
  {
    name: "the root route",
    routes: ["GET /", "GET /{id}"],
    requests: [
      ["GET", "/", "GET /"],
      ["GET", "/1", "GET /{id}", { id: "1" }],
    ],
  },
  {
    name: "one trailing slash is ignored",
    routes: ["GET /items", "GET /items/{id}"],
    requests: [
      ["GET", "/items/", "GET /items"],
      ["GET", "/items/3/", "GET /items/{id}", { id: "3" }],
    ],
  },
  {
    name: "segments are matched and bound decoded",
    routes: ["GET /files/{name}", "GET /caf\u00e9"],
    requests: [
      ["GET", "/files/a%20b", "GET /files/{name}", { name: "a b" }],
      ["GET", "/files/a%2Fb", "GET /files/{name}", { name: "a/b" }],
      ["GET", "/caf%C3%A9", "GET /caf\u00e9"],
      ["GET", "/files/100%", "GET /files/{name}", { name: "100%" }],
    ],
  },
  {
    name: "an empty segment never binds a parameter",
    routes: ["GET /a/{b}/c"],
    requests: [["GET", "/a//c", undefined]],
  },
  {
    name: "no route for the method or the path",
    routes: ["GET /a"],
    requests: [
      ["POST", "/a", undefined],
      ["GET", "/b", undefined],
      ["GET", "/a/b", undefined],
    ],
  },
  {
    name: "HEAD matches HEAD or ANY routes only",
    routes: ["GET /a", "ANY /b"],
    requests: [
      ["HEAD", "/a", undefined],
      ["HEAD", "/b", "ANY /b"],
    ],
  },
];

/** Registers the shared precedence cases for one Router implementation. */
export function runRouterCases(name: string, make: () => Router<string>): void {
  for (const c of CASES) {
    void test(`${name}: ${c.name}`, () => {
      const router = make();
      for (const key of c.routes) {
        const space = key.indexOf(" ");
        router.add(key.slice(0, space), key.slice(space + 1), key);
      }
      for (const [method, path, want, params] of c.requests) {
        const got = router.match(method, splitPath(path));
        assert.equal(got?.value, want, `${method} ${path}`);
        if (want !== undefined) assert.deepEqual(got?.params, params, `${method} ${path} params`);
      }
    });
  }
  void test(`${name}: methodsAt lists the methods of the matching template`, () => {
    const router = make();
    for (const key of ["GET /a", "POST /a", "ANY /{proxy+}"]) {
      const [m, p] = key.split(" ") as [string, string];
      router.add(m, p, key);
    }
    assert.deepEqual([...router.methodsAt(["a"])].sort(), ["GET", "POST"]);
    assert.deepEqual([...router.methodsAt(["b", "c"])], ["ANY"]);
    assert.deepEqual([...router.methodsAt([])], []);
  });
}
