import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { EsbuildBundler } from "../../src/adapters/build/esbuild-bundler.js";
import { NpmInstaller } from "../../src/adapters/build/npm-installer.js";
import { BuildError, runBuild } from "../../src/stacks/index.js";
import { CLI, ROOT } from "../helpers/paths.js";
import { copyExample } from "./helpers.js";

// Real npm (local file: dependencies, so no registry is needed) and real esbuild.
const tools = { installer: new NpmInstaller(), bundler: new EsbuildBundler() };
const require = createRequire(import.meta.url);

let app: { dir: string; dispose(): void };
before(() => (app = copyExample("sam-app")));
after(() => app.dispose());

test("sam-app: npm production dependencies, a Node.js layer and a built template pointing at them", async () => {
  const result = await runBuild({ templateFile: join(app.dir, "template.yaml"), tools });
  assert.deepEqual([...result.built].sort(), ["EventsFunction", "OrdersFunction", "SharedLayer"]);
  const build = join(app.dir, ".haneul-build");
  const dependency = join(build, "OrdersFunction", "node_modules", "format-id");
  assert.ok(
    lstatSync(dependency).isDirectory() && !lstatSync(dependency).isSymbolicLink(),
    "the file: dependency is copied in",
  );
  assert.ok(
    !existsSync(join(build, "OrdersFunction", "node_modules", "left-pad-dev-only")),
    "dev dependencies are left out",
  );
  assert.ok(existsSync(join(build, "SharedLayer", "nodejs", "node_modules", "format-id", "index.js")));
  const handler = require(join(build, "OrdersFunction", "index.js")) as { handler: () => Promise<{ body: string }> };
  assert.deepEqual(JSON.parse((await handler.handler()).body).orders, ["order-000001", "order-000002"]);
  const built = parse(readFileSync(result.builtTemplate, "utf8")) as {
    Resources: Record<string, { Properties: Record<string, unknown> }>;
  };
  assert.equal(built.Resources.OrdersFunction?.Properties.CodeUri, "OrdersFunction");
  assert.equal(built.Resources.SharedLayer?.Properties.ContentUri, "SharedLayer");
  assert.deepEqual(built.Resources.OrdersFunction?.Properties.Environment, {
    Variables: { ORDERS_TOPIC: { Ref: "OrdersTopic" } },
  });
});

test("an unchanged function is not rebuilt; a changed one is", async () => {
  const templateFile = join(app.dir, "template.yaml");
  const again = await runBuild({ templateFile, tools });
  assert.deepEqual(again.built, []);
  assert.deepEqual([...again.reused].sort(), ["EventsFunction", "OrdersFunction", "SharedLayer"]);
  appendFileSync(join(app.dir, "src", "events", "index.mjs"), "\n// changed\n");
  const changed = await runBuild({ templateFile, tools });
  assert.deepEqual(changed.built, ["EventsFunction"]);
  assert.match(readFileSync(join(app.dir, ".haneul-build", "EventsFunction", "index.mjs"), "utf8"), /\/\/ changed/);
});

test("a build of only some units leaves the others as last built, even when their files changed", async () => {
  const templateFile = join(app.dir, "template.yaml");
  appendFileSync(join(app.dir, "src", "events", "index.mjs"), "\n// changed again\n");
  const other = await runBuild({ templateFile, tools, only: ["OrdersFunction"] });
  assert.deepEqual(other.built, [], "OrdersFunction is unchanged; EventsFunction is not looked at");
  assert.doesNotMatch(readFileSync(join(app.dir, ".haneul-build", "EventsFunction", "index.mjs"), "utf8"), /again/);
  const named = await runBuild({ templateFile, tools, only: ["EventsFunction"] });
  assert.deepEqual(named.built, ["EventsFunction"], "its manifest entry was kept, so the change is still seen");
  assert.match(readFileSync(join(app.dir, ".haneul-build", "EventsFunction", "index.mjs"), "utf8"), /again/);
});

test("TypeScript with esbuild: a bundle with its source map, runnable as the handler names it", async () => {
  const ts = copyExample("sam-typescript");
  try {
    const result = await runBuild({ templateFile: join(ts.dir, "template.yaml"), tools });
    assert.deepEqual(result.built, ["HelloWorldFunction"]);
    const out = join(ts.dir, ".haneul-build", "HelloWorldFunction");
    assert.ok(existsSync(join(out, "app.js.map")));
    assert.ok(!readFileSync(join(out, "app.js"), "utf8").includes("export function greeting"), "minified and bundled");
    const fn = require(join(out, "app.js")) as { lambdaHandler: (e: unknown) => Promise<{ body: string }> };
    assert.equal(
      JSON.parse((await fn.lambdaHandler({ queryStringParameters: { name: "ts" } })).body).message,
      "hello ts",
    );
  } finally {
    ts.dispose();
  }
});

test("a handler whose file is not in the code fails the build with the function and file named", async () => {
  const dir = mkdtempSync(join(tmpdir(), "haneul-missing-handler-"));
  try {
    cpSync(join(ROOT, "test", "fixtures", "templates", "broken", "missing-handler"), dir, { recursive: true });
    await assert.rejects(runBuild({ templateFile: join(dir, "template.yaml"), tools }), (e: unknown) => {
      assert.ok(e instanceof BuildError);
      assert.match(
        e.message,
        /^HelloFunction: the handler 'app\.handler' needs app\.js \(or \.mjs, \.cjs\), which is not in .*src$/,
      );
      return true;
    });
    const cli = spawnSync(process.execPath, [CLI, "build"], { cwd: dir, encoding: "utf8" });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /^Build Failed\nError: HelloFunction: the handler 'app\.handler' needs app\.js/m);
    const usage = spawnSync(process.execPath, [CLI, "build", "--bogus"], { cwd: dir, encoding: "utf8" });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^haneul build: Unknown option '--bogus'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("haneul build takes template_file and build_dir from samconfig.toml", () => {
  const hello = copyExample("sam-typescript");
  try {
    writeFileSync(
      join(hello.dir, "samconfig.toml"),
      'version = 0.1\n[staging.build.parameters]\nbuild_dir = "built"\n[staging.global.parameters]\ntemplate_file = "template.yaml"\n',
    );
    const cli = spawnSync(process.execPath, [CLI, "build", "--config-env", "staging"], {
      cwd: hello.dir,
      encoding: "utf8",
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.ok(existsSync(join(hello.dir, "built", "template.yaml")));
  } finally {
    hello.dispose();
  }
});

test("haneul build from the command line writes the artifacts and says where", () => {
  const hello = copyExample("sam-typescript");
  try {
    const cli = spawnSync(process.execPath, [CLI, "build", "--template", "template.yaml", "--build-dir", "out"], {
      cwd: hello.dir,
      encoding: "utf8",
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(
      cli.stdout,
      "Build Succeeded (1 built, 0 unchanged)\n\nBuilt Artifacts  : out\nBuilt Template   : out/template.yaml\n",
    );
    assert.ok(existsSync(join(hello.dir, "out", "HelloWorldFunction", "app.js")));
  } finally {
    hello.dispose();
  }
});
