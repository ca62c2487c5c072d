import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ESLint } from "eslint";
import { ROOT } from "../helpers/paths.js";

// The rules that carry the layer table; the type-aware rules need a real program and are not what is tested here.
const BOUNDARY_RULES = new Set(["import-x/no-restricted-paths", "no-restricted-properties", "no-restricted-imports"]);

const eslint = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

/** Lints `code` as if it were the file at `path` (relative to the repository) and returns the rules it broke. */
async function brokenRules(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${path}` });
  assert.ok(result, "eslint returned no result");
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe("lint enforces the layer table", () => {
  it("an upward import from a nested folder (control/apigateway → adapters) is an error", async () => {
    const code = `import { SqliteStore } from "../../adapters/sqlite/sqlite-store.js";\nexport const s = SqliteStore;\n`;
    assert.deepEqual(await brokenRules("src/control/apigateway/bad.ts", code), ["import-x/no-restricted-paths"]);
  });

  it("a feature importing the composition root from a nested folder is an error", async () => {
    const code = `import { startNode } from "../../main.js";\nexport const s = startNode;\n`;
    assert.deepEqual(await brokenRules("src/api/lambda/bad.ts", code), ["import-x/no-restricted-paths"]);
  });

  it("a sideways import of another feature's internals is an error; its index.ts is allowed", async () => {
    const internal = `import { Invoker } from "../invoker/invoker.js";\nexport const i = Invoker;\n`;
    assert.deepEqual(await brokenRules("src/gateway/bad.ts", internal), ["import-x/no-restricted-paths"]);
    const viaIndex = `import { Invoker } from "../invoker/index.js";\nexport const i = Invoker;\n`;
    assert.deepEqual(await brokenRules("src/gateway/fine.ts", viaIndex), []);
  });

  it("process.env in a feature is an error; in config it is allowed", async () => {
    const code = `export const region = process.env["AWS_REGION"];\n`;
    assert.deepEqual(await brokenRules("src/events/bad.ts", code), ["no-restricted-properties"]);
    assert.deepEqual(await brokenRules("src/config/fine.ts", code), []);
  });

  it("domain importing a port, and the runtime importing the server, are errors", async () => {
    const domain = `import type { Store } from "../ports/store.js";\nexport type S = Store;\n`;
    assert.deepEqual(await brokenRules("src/domain/bad.ts", domain), ["import-x/no-restricted-paths"]);
    const runtime = `import { LIMITS } from "../../src/domain/function-spec.js";\nexport const l = LIMITS;\n`;
    assert.deepEqual(await brokenRules("runtime/src/bad.ts", runtime), ["import-x/no-restricted-paths"]);
  });

  it("adapters may use the frame protocol but not the runtime's other files", async () => {
    const protocol = `import { encodeFrame } from "../../../protocol/frames.js";\nexport const e = encodeFrame;\n`;
    assert.deepEqual(await brokenRules("src/adapters/process/fine.ts", protocol), []);
    const runtime = `import { loadHandler } from "../../../runtime/src/loader.js";\nexport const l = loadHandler;\n`;
    assert.deepEqual(await brokenRules("src/adapters/process/bad.ts", runtime), ["import-x/no-restricted-paths"]);
  });

  it("database and process libraries are for adapters only", async () => {
    const code = `import { spawn } from "node:child_process";\nexport const s = spawn;\n`;
    assert.deepEqual(await brokenRules("src/invoker/bad.ts", code), ["no-restricted-imports"]);
    assert.deepEqual(await brokenRules("src/adapters/process/fine.ts", code), []);
  });
});
