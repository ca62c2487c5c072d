/**
 * A function attacks its layers from inside the sandbox of a real `haneul server`: it tries to
 * write, replace, remove, chmod and link over /opt (where its layers are bound read-only) and to
 * plant a module another function of the same layer would load. Every attempt fails, the layer's
 * files stay as published, and a second function using the layer still loads the original module.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateFunctionCommand, InvokeCommand, PublishLayerVersionCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { SERVER_ROLE, startServerNode, type ServerNode } from "../helpers/server-node.js";

const enc = (s: string) => new TextEncoder().encode(s);

const ATTACK = `
const fs = require("node:fs");
const attempt = (f) => { try { f(); return "succeeded"; } catch (e) { return e.code; } };
const MOD = "/opt/nodejs/node_modules/greeting/index.js";
exports.handler = async () => ({
  overwrite: attempt(() => fs.writeFileSync(MOD, "module.exports = 'pwned';")),
  create: attempt(() => fs.writeFileSync("/opt/nodejs/node_modules/planted.js", "x")),
  remove: attempt(() => fs.unlinkSync(MOD)),
  rename: attempt(() => fs.renameSync(MOD, "/opt/moved.js")),
  chmod: attempt(() => fs.chmodSync(MOD, 0o777)),
  mkdir: attempt(() => fs.mkdirSync("/opt/extra")),
  symlink: attempt(() => fs.symlinkSync("/tmp", "/opt/tmp-link")),
  remount: attempt(() => require("node:child_process").execFileSync("mount", ["-o", "remount,rw", "/opt"], { stdio: "pipe" })),
  still: require("greeting"),
});`;

let node: ServerNode;
before(async () => {
  node = await startServerNode({ timeoutMs: 60_000 });
});
after(async () => {
  await node?.close();
});

test("a function cannot change its layers at /opt, for itself or for others", async () => {
  const layer = await node.client.send(
    new PublishLayerVersionCommand({
      LayerName: "target",
      Content: { ZipFile: zipSync({ "nodejs/node_modules/greeting/index.js": enc("module.exports = 'original';") }) },
    }),
  );
  const create = (name: string, source: string) =>
    node.client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": enc(source) }) },
        Layers: [layer.LayerVersionArn ?? ""],
      }),
    );
  await create("layer-attacker", ATTACK);
  await create("layer-victim", 'exports.handler = async () => require("greeting");');
  const out = await node.client.send(new InvokeCommand({ FunctionName: "layer-attacker" }));
  const result = JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Record<string, string>;
  for (const [what, code] of Object.entries(result)) {
    if (what === "still") continue;
    assert.notEqual(code, "succeeded", `${what} succeeded`);
  }
  assert.equal(result["overwrite"], "EROFS");
  assert.equal(result["create"], "EROFS");
  assert.equal(result["still"], "original");
  const victim = await node.client.send(new InvokeCommand({ FunctionName: "layer-victim" }));
  assert.equal(JSON.parse(Buffer.from(victim.Payload ?? []).toString()), "original");
});
