import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadDevConfig } from "./dev-config.js";
import { ConfigError } from "./server-config.js";

function app(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dev-config-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test("a .env next to the template is the environment overrides file unless --env-vars names one", () => {
  const dir = app({ "template.yaml": "Resources: {}\n", ".env": "A=1\n", "env.json": "{}" });
  try {
    assert.equal(loadDevConfig({}, [], { cwd: dir }).envVarsFile, join(dir, ".env"));
    assert.equal(loadDevConfig({}, ["--env-vars", "env.json"], { cwd: dir }).envVarsFile, join(dir, "env.json"));
    rmSync(join(dir, ".env"));
    assert.equal(loadDevConfig({}, [], { cwd: dir }).envVarsFile, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--inspect takes a logical id and a known port", () => {
  const dir = app({ "template.yaml": "Resources: {}\n" });
  try {
    assert.deepEqual(loadDevConfig({}, ["--inspect", "Fn"], { cwd: dir }).inspect, { logicalId: "Fn", port: 9229 });
    assert.deepEqual(loadDevConfig({}, ["--inspect", "Fn", "--inspect-port", "9300"], { cwd: dir }).inspect, {
      logicalId: "Fn",
      port: 9300,
    });
    assert.equal(loadDevConfig({}, [], { cwd: dir }).inspect, undefined);
    assert.throws(() => loadDevConfig({}, ["--inspect", "a/b"], { cwd: dir }), ConfigError);
    assert.throws(() => loadDevConfig({}, ["--inspect", "Fn", "--inspect-port", "0"], { cwd: dir }), /known port/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
