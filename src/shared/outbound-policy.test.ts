import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { OutboundPolicy, parseOutboundAllow, pinnedLookup } from "./outbound-policy.js";

const policy = new OutboundPolicy({ ownPorts: [3001, 3000], allow: parseOutboundAllow("10.9.0.0/16,127.0.0.1:8080") });
const at = (address: string, port: number, host = address) => ({ host, address, port });

test("the node's own ports are refused on every local address, for every caller", () => {
  for (const a of ["127.0.0.1", "127.3.4.5", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1", "::ffff:7f00:1"]) {
    assert.match(policy.refusal(at(a, 3001), "user") ?? "", /own port/, a);
    assert.match(policy.refusal(at(a, 3000), "session") ?? "", /own port/, a);
  }
  assert.equal(policy.refusal(at("127.0.0.1", 3002), "user"), undefined);
});

test("link-local and metadata addresses are refused for every caller, in each form", () => {
  for (const a of ["169.254.169.254", "169.254.0.1", "fe80::1", "::ffff:169.254.169.254", "::ffff:a9fe:a9fe"]) {
    assert.match(policy.refusal(at(a, 80), "user") ?? "", /link-local/, a);
  }
});

test("loopback, private and unspecified addresses are refused for instance sessions only", () => {
  for (const a of [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.5",
    "172.31.255.255",
    "192.168.1.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
  ]) {
    assert.match(policy.refusal(at(a, 80), "session") ?? "", /loopback, private/, a);
    assert.equal(policy.refusal(at(a, 80), "user"), undefined, a);
  }
  for (const a of ["93.184.216.34", "172.32.0.1", "2606:4700::1"])
    assert.equal(policy.refusal(at(a, 80), "session"), undefined);
});

test("the allow-list opens a CIDR block or one host:port to instance sessions", () => {
  assert.equal(policy.refusal(at("10.9.3.4", 5432), "session"), undefined);
  assert.equal(policy.refusal(at("127.0.0.1", 8080), "session"), undefined);
  assert.match(policy.refusal(at("127.0.0.1", 8081), "session") ?? "", /loopback/);
  const open = new OutboundPolicy({ ownPorts: [3001], allow: parseOutboundAllow("127.0.0.0/8") });
  assert.match(open.refusal(at("127.0.0.1", 3001), "session") ?? "", /own port/, "never the node's own port");
});

test("bad allow-list entries are refused by name", () => {
  for (const e of ["10.0.0.0/33", "nonsense", "host:0", "1.2.3.4/x"])
    assert.throws(() => parseOutboundAllow(e), /neither/);
  assert.deepEqual(parseOutboundAllow(" localhost:9000 , ::1/128"), [
    { kind: "host-port", host: "localhost", port: 9000 },
    { kind: "cidr", network: "::1", prefix: 128, family: "ipv6" },
  ]);
});

test("check resolves names and refuses when any address is refused", async () => {
  assert.ok("refused" in (await policy.check(new URL("http://localhost:3001/"), "user")));
  assert.ok("refused" in (await policy.check(new URL("http://localhost/"), "session")));
  assert.deepEqual(await policy.check(new URL("http://127.0.0.1:8080/"), "session"), {
    address: "127.0.0.1",
    family: 4,
  });
  assert.ok("refused" in (await policy.check(new URL("http://[::ffff:169.254.169.254]/"), "user")));
  assert.ok("refused" in (await policy.check(new URL("http://does-not-exist.invalid/"), "user")));
});

test("a pinned lookup connects to the checked address whatever the name", async () => {
  const { createServer } = await import("node:http");
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        `http://name.invalid:${port}/`,
        { lookup: pinnedLookup({ address: "127.0.0.1", family: 4 }) },
        (res) => {
          let b = "";
          res.on("data", (c: Buffer) => (b += c.toString()));
          res.on("end", () => resolve(b));
        },
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(body, "ok");
  } finally {
    await new Promise((r) => server.close(r));
  }
});
