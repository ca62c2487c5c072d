/**
 * The attack suite: functions deployed through the Lambda API of a real `haneul server` process try
 * to reach the node, its store and keys, other functions, other processes and the host, and to
 * exhaust the machine. Each test asserts that the attack fails and that legitimate use still works.
 * Runs with the sandbox the machine allows (all of it on CI: see .ci/run).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  type InvokeCommandOutput,
  type CreateFunctionCommandInput,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { DENIED_SYSCALLS } from "../../src/adapters/process/sandbox/seccomp-filter.js";
import { ROOT } from "../helpers/paths.js";
import { createFunctionRole } from "../helpers/iam.js";
import { SERVER_ROLE, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { freePort } from "../helpers/free-port.js";

const ATTACKER = readFileSync(join(ROOT, "test", "fixtures", "security", "attacker.js"));
const attackerZip = zipSync({ "index.js": ATTACKER });
const victimZip = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async () => 'original';") });

const parse = (r: InvokeCommandOutput): Record<string, unknown> =>
  JSON.parse(Buffer.from(r.Payload ?? new Uint8Array()).toString("utf8")) as Record<string, unknown>;
const tail = (r: InvokeCommandOutput): string => Buffer.from(r.LogResult ?? "", "base64").toString("utf8");

type Attempt = { ok: boolean; code?: string; value?: unknown };

/** The host's own non-loopback IPv4 addresses. */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4" && !i.internal)
    .map((i) => i?.address as string);
}

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.setTimeout(2000);
    s.on("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.on("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe("sandbox attacks from inside real functions", { concurrency: 4, timeout: 300_000 }, () => {
  let node: ServerNode;
  let hostService: Server;
  let hostPort: number;
  let victimTree: string;

  const create = async (name: string, extra: Partial<CreateFunctionCommandInput> = {}, zip = attackerZip) => {
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: `index.${name.split("-")[0] as string}`,
        Code: { ZipFile: zip },
        Timeout: 30,
        ...extra,
      }),
    );
  };
  const invoke = (name: string, event: unknown = {}) =>
    node.client.send(
      new InvokeCommand({
        FunctionName: name,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
        LogType: "Tail",
      }),
    );

  before(async () => {
    hostService = createServer((_req, res) => res.end("host service"));
    await new Promise<void>((r) => hostService.listen(0, "127.0.0.1", r));
    hostPort = (hostService.address() as { port: number }).port;
    node = await startServerNode();
    assert.match(node.output(), /Instances\s+sandbox on/, node.output());
    // The functions' execution role: what the legitimate call to the node's API needs, nothing more.
    const admin = { endpoint: node.apiUrl, accessKeyId: node.accessKeyId, secretAccessKey: node.secret };
    await createFunctionRole(admin, "test", { actions: ["lambda:ListFunctions"] });
    await create("victim", { Handler: "index.handler" }, victimZip);
    const sha = (await node.client.send(new GetFunctionCommand({ FunctionName: "victim" }))).Configuration?.CodeSha256;
    victimTree = join(node.dataDir, "code", "tree", Buffer.from(sha ?? "", "base64").toString("hex"));
    assert.ok(existsSync(join(victimTree, "index.js")));
  });

  after(async () => {
    await node?.close();
    await new Promise((r) => hostService?.close(r));
  });

  it("runs as an unprivileged uid with no capabilities, no_new_privs and seccomp, seeing only its own processes", async () => {
    await create("identity");
    const id = parse(await invoke("identity"));
    assert.notEqual(id["uid"], 0);
    assert.doesNotMatch(String(id["statusUid"]), /^0\b/);
    for (const cap of ["capEff", "capPrm", "capBnd", "capAmb"]) assert.equal(id[cap], "0000000000000000", cap);
    assert.equal(id["noNewPrivs"], "1");
    assert.equal(id["seccomp"], "2");
    assert.ok((id["pids"] as string[]).length <= 4, `sees ${String(id["pids"])}`);
    assert.equal(id["taskRoot"], "/var/task");
    assert.equal((id["ownCode"] as Attempt).ok, true, "its own code is readable");
  });

  it("/proc/<ppid> is the sandbox's own init: nothing of the node's environment or files", async () => {
    await create("parent");
    const p = parse(await invoke("parent"));
    const environ = p["environ"] as Attempt;
    const text = environ.ok ? String(environ.value) : "";
    assert.doesNotMatch(text, /HANEUL_|AWS_SECRET_ACCESS_KEY/);
    assert.ok(!text.includes(node.secret));
    const root = p["root"] as Attempt;
    assert.ok(!root.ok || !(root.value as string[]).includes("work"), "the host's file system is not its root");
    assert.notEqual(p["ppid"], node.child.pid);
  });

  it("cannot read the store, the credentials or another function's code by any path", async () => {
    await create("readPaths");
    const rel = (p: string) => p.replace(/^\//, "");
    const targets = [
      join(node.dataDir, "haneul.db"),
      join(node.dataDir, "credentials"),
      join(victimTree, "index.js"),
      `/proc/1/root${join(victimTree, "index.js")}`,
      `/proc/self/root/../../..${join(node.dataDir, "haneul.db")}`,
      `/var/task/../../../${rel(join(node.dataDir, "haneul.db"))}`,
      join(ROOT, "package.json"),
      join(ROOT, "dist", "src", "main.js"),
      join(ROOT, "dist", "src", "bundle", "main.js"),
      "/etc/shadow",
    ];
    const r = parse(await invoke("readPaths", { paths: [...targets, "/var/task/index.js"] }));
    for (const t of targets) assert.equal((r[t] as Attempt).ok, false, `read ${t}`);
    assert.equal((r["/var/task/index.js"] as Attempt).ok, true, "its own code is readable");
  });

  it("cannot write another function's code or the node's runtime", async () => {
    await create("writePaths");
    const targets = [
      join(victimTree, "index.js"),
      join(ROOT, "dist", "runtime", "src", "bootstrap.js"),
      "/var/runtime/haneul/runtime/src/bootstrap.js",
      "/var/runtime/haneul/bootstrap.js",
      "/var/runtime/evil.js",
      "/var/task/index.js",
      "/usr/bin/evil",
    ];
    const r = parse(await invoke("writePaths", { paths: [...targets, "/tmp/mine.js"] }));
    for (const t of targets) assert.equal((r[t] as Attempt).ok, false, `wrote ${t}`);
    assert.equal((r["/tmp/mine.js"] as Attempt).ok, true, "its /tmp is writable");
    assert.equal(parse(await invoke("victim")), "original");
  });

  it("cannot kill the node or any host process; the node keeps answering", async () => {
    await create("kill");
    const pids = [node.child.pid as number, process.pid];
    const r = parse(await invoke("kill", { pids }));
    for (const pid of pids) assert.equal((r["host"] as Record<string, Attempt>)[pid]?.code, "ESRCH", `kill ${pid}`);
    assert.equal(node.child.exitCode, null);
    assert.equal(parse(await invoke("victim")), "original");
  });

  it("a fork bomb is bounded by the pids limit", async () => {
    await create("forkBomb", { MemorySize: 1024 });
    const r = parse(await invoke("forkBomb", { max: 3000 }));
    assert.ok((r["started"] as number) >= 50, `started ${String(r["started"])}`);
    assert.ok((r["started"] as number) < 1024, `started ${String(r["started"])}`);
    assert.equal(r["error"], "EAGAIN");
  });

  it("1 GB of Buffers under MemorySize 128 ends with Runtime.OutOfMemory; the function recovers", async () => {
    await create("buffers");
    const small = parse(await invoke("buffers", { mb: 20 }));
    assert.equal(small["held"], 20, "memory within the limit works");
    const r = await invoke("buffers", { mb: 1024 });
    assert.equal(r.FunctionError, "Unhandled");
    assert.equal(parse(r)["errorType"], "Runtime.OutOfMemory");
    assert.match(tail(r), /Max Memory Used: 128 MB/);
    assert.equal(parse(await invoke("buffers", { mb: 1 }))["held"], 1);
  });

  it("/tmp is bounded by EphemeralStorage (512 MB by default): ENOSPC, not the host's disk", async () => {
    await create("tmpWrite");
    const r = parse(await invoke("tmpWrite", { mb: 1024, remove: true }));
    assert.equal(r["error"], "ENOSPC");
    assert.ok(
      (r["writtenMb"] as number) >= 500 && (r["writtenMb"] as number) <= 512,
      `wrote ${String(r["writtenMb"])} MB`,
    );
    await create("tmpWrite-big", { Handler: "index.tmpWrite", EphemeralStorage: { Size: 1024 } });
    const big = parse(await invoke("tmpWrite-big", { mb: 700, remove: true }));
    assert.deepEqual(big, { writtenMb: 700, error: null }, "a larger EphemeralStorage holds more");
  });

  it("mount, umount, unshare, ptrace and every denied system call are refused", async () => {
    await create("syscalls");
    const r = parse(await invoke("syscalls", { names: [...DENIED_SYSCALLS, "clone3", "getpid"] }));
    const calls = r["syscalls"] as Record<string, string>;
    for (const name of DENIED_SYSCALLS) if (name in calls) assert.equal(calls[name], "EPERM", name);
    assert.ok(Object.keys(calls).length > 40, `probed ${Object.keys(calls).length} calls`);
    assert.equal(calls["clone3"], "ENOSYS");
    assert.equal(calls["getpid"], "ok", "other calls work");
    for (const key of ["umountTmp", "mountTmpfs", "unshareUser", "unshareNet", "strace"]) {
      assert.equal((r[key] as Attempt).ok, false, key);
    }
  });

  it("a listener on 0.0.0.0 inside is not reachable from the host", async () => {
    await create("listen");
    const port = await freePort("0.0.0.0");
    const r = parse(await invoke("listen", { port }));
    assert.equal(r["inside"], "inside\n", "it listens and answers inside");
    for (const host of ["127.0.0.1", ...hostAddresses()]) assert.equal(await reachable(host, port), false, host);
  });

  it("the node's API and a service on the host (host.haneul.internal) are reachable", async () => {
    await create("legit");
    const r = parse(await invoke("legit", { hostName: "host.haneul.internal", hostPort }));
    assert.deepEqual(r["host"], { ok: true, body: "host service" });
    assert.equal((r["api"] as { ok: boolean }).ok, true, JSON.stringify(r["api"]));
  });

  it("a detached child does not outlive its instance", async () => {
    await create("detach", { Timeout: 2 });
    const seconds = 900_000 + Math.floor(Math.random() * 90_000);
    const running = () => execFileSync("ps", ["-eo", "args"]).toString().includes(`sleep ${seconds}`);
    parse(await invoke("detach", { seconds }));
    assert.equal(running(), true, "the child runs while its instance lives");
    const r = await node.client.send(
      new InvokeCommand({ FunctionName: "detach", Payload: new TextEncoder().encode(JSON.stringify({ ms: 5000 })) }),
    );
    assert.equal(r.FunctionError, "Unhandled", "the instance is killed by its timeout");
    for (let i = 0; i < 50 && running(); i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(running(), false, "the detached child died with the instance");
  });

  it("a worker thread does not run while its instance is frozen between events", async () => {
    await create("worker");
    // Two events on the same instance with three idle seconds between them (a loaded machine may
    // start another instance for the second; then the pair is tried again). Unfrozen, the worker
    // would tick about 150 times while idle; a loaded machine may take a moment to freeze it.
    let first: number[] = [];
    let ticks: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const a = parse(await invoke("worker"));
      await new Promise((r) => setTimeout(r, 3000));
      const b = parse(await invoke("worker"));
      first = a["ticks"] as number[];
      ticks = b["ticks"] as number[];
      if (a["instance"] === b["instance"] || attempt === 3) {
        assert.equal(b["instance"], a["instance"], "both events ran on one instance");
        break;
      }
    }
    assert.ok(first.length >= 3, "the worker runs during an event");
    const gaps = ticks.slice(1).map((t, i) => t - (ticks[i] as number));
    assert.ok(Math.max(...gaps) >= 1500, `largest gap between ticks ${Math.max(...gaps)} ms`);
    assert.ok(ticks.length < first.length + 50, `${ticks.length - first.length} ticks while idle`);
  });

  it("a zip whose chained links lead outside is refused and writes nothing outside", async () => {
    const link = (target: string): [Uint8Array, { os: number; attrs: number }] => [
      new TextEncoder().encode(target),
      { os: 3, attrs: 0o120777 << 16 },
    ];
    // h climbs 3 levels (inside by its text); h/esc climbs 8 more from h's real place: the data directory.
    const zip = zipSync({
      "a/b/c/d/e/f/g/h": link("../../.."),
      "a/b/c/d/e/f/g/h/esc": link("../../../../../../../.."),
      "a/b/c/d/e/f/g/h/esc/pwned.txt": [new TextEncoder().encode("pwned"), { os: 3, attrs: 0o100644 << 16 }],
    });
    await assert.rejects(
      node.client.send(
        new CreateFunctionCommand({
          FunctionName: "chained",
          Runtime: "nodejs20.x",
          Role: SERVER_ROLE,
          Handler: "index.handler",
          Code: { ZipFile: zip },
        }),
      ),
      (e: Error) => e.name === "InvalidParameterValueException",
    );
    for (const dir of [node.dataDir, join(node.dataDir, "code"), join(node.dataDir, "code", "tree")]) {
      assert.equal(existsSync(join(dir, "pwned.txt")), false, dir);
    }
    assert.equal(parse(await invoke("victim")), "original", "functions keep working");
  });
});
