import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROOT } from "../../../../test/helpers/paths.js";
import { bwrapArgs, SANDBOX_PATHS } from "./bwrap-args.js";
import { sdkClosure } from "./host-view.js";
import { describeSandbox, SandboxUnavailable } from "./report.js";
import { UidPool } from "./uid-pool.js";

describe("sandbox parts", () => {
  it("UidPool hands out distinct uids from its range, round-robin, never 0, and says when all are taken", () => {
    assert.throws(() => new UidPool({ first: 0, last: 10 }), /bad uid range/);
    const pool = new UidPool({ first: 200, last: 202 });
    const taken = [pool.take(), pool.take(), pool.take()];
    assert.deepEqual(taken, [200, 201, 202]);
    assert.throws(() => pool.take(), /all 3 sandbox uids are in use/);
    pool.release(201);
    assert.equal(pool.take(), 201);
  });

  it("bwrap options: no privileges, no namespaces of its own, the private /tmp and Lambda's paths", () => {
    const args = bwrapArgs({
      sources: {
        seccomp: 5,
        task: "/run/haneul/k/slots/a",
        runtime: "/run/haneul/k/runtime",
        protocol: "/run/haneul/k/protocol",
        packages: [{ source: "/run/haneul/k/node_modules/aws-sdk", name: "aws-sdk" }],
        files: [{ fd: 6, path: "/etc/passwd" }],
        samePath: [],
      },
      tmpBytes: 512 * 1024 * 1024,
      env: { A: "1" },
      topLevel: [{ name: "bin", link: "usr/bin" }],
      etc: ["/etc/ssl"],
      cwd: "/var/task",
    });
    const joined = args.join(" ");
    for (const flag of ["--unshare-user", "--disable-userns", "--unshare-pid", "--cap-drop ALL", "--clearenv"]) {
      assert.ok(joined.includes(flag), flag);
    }
    assert.ok(joined.includes("--uid 993 --gid 990"));
    assert.ok(joined.includes(`--size ${512 * 1024 * 1024} --perms 1777 --tmpfs /tmp`));
    assert.ok(joined.includes(`--ro-bind /run/haneul/k/slots/a ${SANDBOX_PATHS.taskRoot}`));
    assert.ok(joined.includes(`--ro-bind /run/haneul/k/node_modules/aws-sdk ${SANDBOX_PATHS.nodeModules}/aws-sdk`));
    assert.ok(joined.includes("--seccomp 5"));
    assert.ok(!args.includes("--bind"), "nothing of the host is writable");
  });

  it("the SDK closure holds the bundled SDKs and their dependencies, and nothing else of the installation", () => {
    const names = sdkClosure(ROOT, ["aws-sdk", "@aws-sdk/client-lambda"]).map((p) => p.name);
    for (const n of ["aws-sdk", "@aws-sdk/client-lambda", "@smithy/core", "tslib"]) assert.ok(names.includes(n), n);
    for (const n of ["better-sqlite3", "zod", "yauzl", "typescript"]) assert.ok(!names.includes(n), n);
    assert.ok(
      names.every((n) => !n.includes("node_modules")),
      "nested packages come with their parent",
    );
    assert.equal(sdkClosure("/nonexistent-haneul-install", ["aws-sdk"]).length, 0);
  });

  it("the start-up report names each protection that is off and why; strict mode refuses with all of them", () => {
    const report = {
      mode: "strict" as const,
      off: { network: "pasta: /dev/net/tun is mode 0600", seccomp: "python3-seccomp is not installed" },
      details: ["cgroup v1"],
    };
    const lines = describeSandbox(report);
    assert.match(lines[0] ?? "", /^sandbox partly on \(cgroup v1\)$/);
    assert.ok(lines.some((l) => /OFF: network namespace \(pasta\): pasta: \/dev\/net\/tun is mode 0600/.test(l)));
    assert.ok(lines.some((l) => /OFF: seccomp filter: python3-seccomp is not installed/.test(l)));
    assert.ok(lines.some((l) => /on: {2}cgroup limits/.test(l)));
    assert.match(new SandboxUnavailable(report).message, /--sandbox strict: .*network namespace.*seccomp filter/);
    assert.deepEqual(describeSandbox({ mode: "off", off: {}, details: [] }), [
      "sandbox off (--sandbox off): instances get a private /tmp and nothing more",
    ]);
  });
});
