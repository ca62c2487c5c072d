/**
 * `haneul server` as a user runs it: prints its endpoint and (once) a generated key, accepts requests
 * signed with that key, refuses bad config with a message naming the flag, and stops on SIGTERM.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ServerExitedError, startServerProcess } from "../helpers/server-process.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("haneul server", () => {
  const dataDir = tempDir("server");
  after(() => dataDir.remove());
  const args = ["--data", dataDir.path, "--api-port", "0", "--gateway-port", "0"];

  it("prints a generated key once, accepts requests signed with it, and stops on SIGTERM", async () => {
    const first = await startServerProcess({ args });
    const id = /AWS_ACCESS_KEY_ID=(AKIA[A-Z0-9]{16})/.exec(first.output())?.[1];
    const secret = /AWS_SECRET_ACCESS_KEY=(\S{40})/.exec(first.output())?.[1];
    assert.ok(id && secret, first.output());
    const client = (secretAccessKey: string): LambdaClient =>
      new LambdaClient({
        region: "us-east-1",
        endpoint: first.apiUrl,
        credentials: { accessKeyId: id, secretAccessKey },
        maxAttempts: 1,
      });
    // Signed correctly: past authentication (no operations may be wired yet, so any non-403 answer will do).
    const accepted = await client(secret)
      .send(new GetFunctionConfigurationCommand({ FunctionName: "fn" }))
      .then(
        () => 200,
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    assert.notEqual(accepted, 403);
    await assert.rejects(client("wrong").send(new GetFunctionConfigurationCommand({ FunctionName: "fn" })), {
      name: "InvalidSignatureException",
    });
    assert.equal(await first.stop(), 0);
    assert.match(first.output(), /stopped/);

    const second = await startServerProcess({ args });
    assert.match(second.output(), new RegExp(`Access key\\s+${id}`));
    assert.doesNotMatch(second.output(), /AWS_SECRET_ACCESS_KEY/, "the secret is printed only when generated");
    assert.equal(await second.stop(), 0);
  });

  it("refuses a bad flag with a message naming it and exit status 2", async () => {
    await assert.rejects(
      startServerProcess({ args: ["--api-port", "nope"] }),
      (e: unknown) => e instanceof ServerExitedError && e.code === 2 && /--api-port 'nope'/.test(e.output),
    );
  });

  it("says at start what the instance sandbox does; --sandbox strict starts where all of it is on, off turns it off", async () => {
    const strict = await startServerProcess({ args: [...args, "--sandbox", "strict"] });
    const on = strict.output();
    assert.equal(await strict.stop(), 0);
    // This machine (and CI's) allows every protection; elsewhere strict refuses to start.
    assert.match(on, /Instances\s+sandbox on/);
    for (const line of ["bubblewrap", "host uid", "network namespace", "seccomp", "cgroup limits", "spare"]) {
      assert.match(on, new RegExp(`on: .*${line}`), line);
    }
    assert.doesNotMatch(on, /OFF:/);
    const off = await startServerProcess({ args: [...args, "--sandbox", "off"] });
    const text = off.output();
    assert.equal(await off.stop(), 0);
    assert.match(text, /Instances\s+sandbox off \(--sandbox off\)/);
  });
});
