/**
 * `haneul server` as a user runs it: prints its endpoint and (once) a generated key, accepts requests
 * signed with that key, refuses bad config with a message naming the flag, and stops on SIGTERM.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CLI } from "../helpers/paths.js";

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly apiUrl: string;
}

function startServer(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [CLI, "server", ...args], { env: { PATH: "/usr/bin:/bin" } });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 10_000);
    child.stdout.on("data", () => {
      const m = /Lambda API\s+(http:\/\/\S+)/.exec(out);
      if (m && out.includes("Access key")) {
        clearTimeout(timer);
        resolve({ child, output: () => out, apiUrl: m[1] as string });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

function stop(s: Started): Promise<number | null> {
  return new Promise((resolve) => {
    s.child.removeAllListeners("exit");
    s.child.on("exit", (code) => resolve(code));
    s.child.kill("SIGTERM");
  });
}

describe("haneul server", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "haneul-server-"));
  after(() => rm(dataDir, { recursive: true, force: true }));

  it("prints a generated key once, accepts requests signed with it, and stops on SIGTERM", async () => {
    const first = await startServer(["--data", dataDir, "--api-port", "0", "--gateway-port", "0"]);
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
    assert.equal(await stop(first), 0);
    assert.match(first.output(), /stopped/);

    const second = await startServer(["--data", dataDir, "--api-port", "0", "--gateway-port", "0"]);
    assert.match(second.output(), new RegExp(`Access key\\s+${id}`));
    assert.doesNotMatch(second.output(), /AWS_SECRET_ACCESS_KEY/, "the secret is printed only when generated");
    assert.equal(await stop(second), 0);
  });

  it("refuses a bad flag with a message naming it and exit status 2", async () => {
    const child = spawn(process.execPath, [CLI, "server", "--api-port", "nope"], { env: { PATH: "/usr/bin:/bin" } });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /--api-port 'nope'/);
  });

  it("says at start what the instance sandbox does; --sandbox strict starts where all of it is on, off turns it off", async () => {
    const strict = await startServer([
      "--data",
      dataDir,
      "--api-port",
      "0",
      "--gateway-port",
      "0",
      "--sandbox",
      "strict",
    ]);
    const on = strict.output();
    assert.equal(await stop(strict), 0);
    // This machine (and CI's) allows every protection; elsewhere strict refuses to start.
    assert.match(on, /Instances\s+sandbox on/);
    for (const line of ["bubblewrap", "host uid", "network namespace", "seccomp", "cgroup limits", "spare"]) {
      assert.match(on, new RegExp(`on: .*${line}`), line);
    }
    assert.doesNotMatch(on, /OFF:/);
    const off = await startServer(["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--sandbox", "off"]);
    const text = off.output();
    assert.equal(await stop(off), 0);
    assert.match(text, /Instances\s+sandbox off \(--sandbox off\)/);
  });
});
