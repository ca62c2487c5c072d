import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runApiStoreContract, sampleApi, sampleRestApi } from "../../ports/api-store.contract.js";
import { sampleFunction } from "../../ports/store.contract.js";
import { SqliteApiStore } from "./api-store.js";
import { SqliteStore } from "./sqlite-store.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-apistore-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runApiStoreContract("SQLite file", () => Promise.resolve(SqliteApiStore.open({ path: join(tempDir(), "haneul.db") })));
runApiStoreContract("SQLite :memory:", () => Promise.resolve(SqliteApiStore.open({ path: ":memory:" })));

describe("SqliteApiStore (file specifics)", () => {
  test("shares the Lambda store's file: both migrate once, data survives a reopen", async () => {
    const path = join(tempDir(), "data", "haneul.db");
    const lambda = SqliteStore.open({ path });
    const apis = SqliteApiStore.open({ path });
    await lambda.insertFunction(sampleFunction("fn"));
    const { api, root } = sampleRestApi("restapi001");
    await apis.insertApi(api, root);
    await apis.insertApi(sampleApi("httpapi001"));
    await apis.close();
    await lambda.close();

    const reopened = SqliteApiStore.open({ path });
    assert.deepEqual((await reopened.listApis()).map((a) => a.apiId).sort(), ["httpapi001", "restapi001"]);
    assert.deepEqual(await reopened.listResources("restapi001"), [root]);
    await reopened.close();
    const lambdaAgain = SqliteStore.open({ path });
    assert.equal((await lambdaAgain.getFunction("fn"))?.name, "fn");
    await lambdaAgain.close();
  });
});
