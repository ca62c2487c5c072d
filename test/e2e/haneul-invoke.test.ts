/** `haneul invoke` end to end: a real CLI process running a real function. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { describe, it } from "node:test";
import { CLI, HANDLERS } from "../helpers/paths.js";

function run(
  args: string[],
  stdin?: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["pipe", "pipe", "pipe"], env: env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

describe("haneul invoke", { concurrency: 4 }, () => {
  it("prints the result on stdout and the logs on stderr", async () => {
    const r = await run(
      ["invoke", "--code", join(HANDLERS, "cjs"), "--handler", "index.handler", "--event", "-"],
      '{"from":"stdin"}',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { echo: { from: "stdin" } });
    assert.match(r.stderr, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/m);
    assert.match(r.stderr, /^REPORT RequestId: .*Init Duration: [\d.]+ ms/m);
  });

  it("passes --env, --memory and --timeout to the function", async () => {
    const r = await run(
      [
        "invoke",
        "--code",
        join(HANDLERS, "cjs"),
        "--handler",
        "index.readEnv",
        "--env",
        "GREETING=hi there",
        "--memory",
        "512",
        "--timeout",
        "7",
        "--event",
        "-",
      ],
      '{"names":["GREETING","AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]}',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { GREETING: "hi there", AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512" });
    assert.match(r.stderr, /Memory Size: 512 MB/);
  });

  it("exits non-zero with the error JSON on a function error", async () => {
    const r = await run(["invoke", "--code", join(HANDLERS, "cjs"), "--handler", "index.throwError"]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).errorType, "Error");
    assert.match(r.stderr, /\tERROR\tInvoke Error \t/);
  });

  it("reports a timeout like Lambda", async () => {
    const r = await run(
      ["invoke", "--code", join(HANDLERS, "cjs"), "--handler", "index.sleep", "--timeout", "1", "--event", "-"],
      '{"ms":4000}',
    );
    assert.equal(r.code, 1);
    assert.match(JSON.parse(r.stdout).errorMessage, /Task timed out after 1\.00 seconds/);
  });

  it("runs a custom runtime bootstrap", async () => {
    const r = await run(["invoke", "--code", join(HANDLERS, "provided-python"), "--event", "-"], '{"k":"v"}');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { k: "v", handledBy: "provided-python" });
  });

  it("rejects bad options with a clear message", async () => {
    const r = await run(["invoke", "--code", join(HANDLERS, "cjs"), "--handler", "index.handler", "--memory", "64"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--memory/);
    const missing = await run(["invoke", "--handler", "index.handler"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--code is required/);
  });

  it("answers bad input with one line naming the flag, exit status 2, and no stack trace", async () => {
    const code = join(HANDLERS, "cjs");
    const cases: [string[], RegExp][] = [
      [["--event", "/nonexistent/event.json"], /^haneul invoke: --event: no such file: \/nonexistent\/event\.json/],
      [["--env", "FOO"], /^haneul invoke: --env takes KEY=VALUE/],
      [["--memory", "64"], /^haneul invoke: --memory: /],
    ];
    for (const [extra, expected] of cases) {
      const r = await run(["invoke", "--code", code, "--handler", "index.handler", ...extra]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    }
    const file = await run(["invoke", "--code", join(code, "index.js"), "--handler", "index.handler"]);
    assert.equal(file.code, 2);
    assert.match(file.stderr, /--code: .*index\.js is a file; give the code's directory or a \.zip/);
  });

  it("runs a .zip deployment package given as --code, and refuses a broken one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "haneul-invoke-zip-"));
    try {
      const zip = join(dir, "fn.zip");
      writeFileSync(zip, zipSync({ "index.js": Buffer.from("exports.handler = async (e) => ({ zipped: e.v });") }));
      const r = await run(["invoke", "--code", zip, "--handler", "index.handler", "--event", "-"], '{"v":7}');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { zipped: 7 });
      assert.match(r.stderr, /^START RequestId: /m);
      const broken = join(dir, "broken.zip");
      writeFileSync(broken, "not a zip at all");
      const bad = await run(["invoke", "--code", broken, "--handler", "index.handler"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^haneul invoke: --code: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a Node.js runtime that cannot be fetched is named in one line, exit status 2", async () => {
    const home = mkdtempSync(join(tmpdir(), "haneul-invoke-offline-"));
    try {
      writeFileSync(join(home, ".npmrc"), "registry=http://127.0.0.1:9/\nfetch-retries=0\n");
      const env = { PATH: process.env["PATH"], HOME: home, HANEUL_RUNTIMES_DIR: join(home, "runtimes") };
      const args = ["invoke", "--code", join(HANDLERS, "cjs"), "--handler", "index.handler", "--runtime", "nodejs18.x"];
      const r = await run(args, undefined, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^haneul invoke: fetching Node\.js 18 for nodejs18\.x…$/m);
      assert.match(
        r.stderr,
        /^haneul invoke: --runtime: Node\.js 18 is not installed and could not be fetched from the npm registry/m,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("help invoke and --version", async () => {
    const help = await run(["help", "invoke"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: haneul invoke --code/);
    const version = await run(["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^haneul \d+\.\d+\.\d+ \(Node\.js \d+/);
  });
});
