import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { runtimesSettings } from "../config/runtimes-dir.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { NpmNodeRuntimes } from "./node-runtimes.js";

describe("the runtime installer's npm", () => {
  it("gets the proxy, CA and npm settings of the environment, and nothing else of it", async () => {
    const tmp = tempDir("runtimes");
    const dir = tmp.path;
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const seen = join(dir, "npm-env");
    // An npm that writes the environment it was given, then fails as an unreachable registry would.
    writeFileSync(join(bin, "npm"), `#!/bin/sh\nenv > '${seen}'\necho "npm error code ECONNREFUSED" >&2\nexit 1\n`);
    chmodSync(join(bin, "npm"), 0o755);
    const settings = runtimesSettings({
      HOME: join(dir, "home"),
      HANEUL_RUNTIMES_DIR: join(dir, "cache"),
      PATH: `${bin}:/usr/bin:/bin`,
      HTTPS_PROXY: "http://proxy.internal:3128",
      no_proxy: "localhost,127.0.0.1",
      NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/corporate.pem",
      npm_config_cafile: "/etc/ssl/certs/corporate.pem",
      AWS_SECRET_ACCESS_KEY: "never-for-npm",
      HANEUL_NODE_SECRET: "never-for-npm",
    });
    assert.deepEqual(settings.network, {
      HTTPS_PROXY: "http://proxy.internal:3128",
      no_proxy: "localhost,127.0.0.1",
      NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/corporate.pem",
      npm_config_cafile: "/etc/ssl/certs/corporate.pem",
    });
    const runtimes = new NpmNodeRuntimes({
      cacheDir: settings.dir,
      path: settings.path,
      home: settings.home,
      network: settings.network,
      host: { binary: process.execPath, version: "20.0.0" },
    });
    await assert.rejects(runtimes.ensure(18), /Node\.js 18 is not installed and could not be fetched .*ECONNREFUSED/);
    const env = Object.fromEntries(
      readFileSync(seen, "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    assert.equal(env["HTTPS_PROXY"], "http://proxy.internal:3128");
    assert.equal(env["no_proxy"], "localhost,127.0.0.1");
    assert.equal(env["NODE_EXTRA_CA_CERTS"], "/etc/ssl/certs/corporate.pem");
    assert.equal(env["npm_config_cafile"], "/etc/ssl/certs/corporate.pem");
    assert.equal(env["HOME"], join(dir, "home"));
    assert.equal(env["AWS_SECRET_ACCESS_KEY"], undefined);
    assert.equal(env["HANEUL_NODE_SECRET"], undefined);
    assert.equal(runtimes.status(18).state, "failed");
    await tmp.remove();
  });

  it("the real npm reaches the registry an npm_config_registry of the environment names", async () => {
    const tmp = tempDir("runtimes-registry");
    const asked: string[] = [];
    // A registry that knows no package: npm asks it, then fails with its 404.
    const registry = createServer((req, res) => {
      asked.push(req.url ?? "");
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    });
    await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
    try {
      const port = (registry.address() as AddressInfo).port;
      const settings = runtimesSettings({
        HOME: join(tmp.path, "home"),
        HANEUL_RUNTIMES_DIR: join(tmp.path, "cache"),
        // This Node.js's own npm, as a node finds it on its PATH.
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        npm_config_registry: `http://127.0.0.1:${port}/`,
      });
      const runtimes = new NpmNodeRuntimes({
        cacheDir: settings.dir,
        path: settings.path,
        home: settings.home,
        network: settings.network,
        packageName: "node-haneul-test",
        host: { binary: process.execPath, version: "20.0.0" },
      });
      await assert.rejects(
        runtimes.ensure(18),
        /Node\.js 18 is not installed and could not be fetched .*node-haneul-test@18/,
      );
      assert.ok(
        asked.some((url) => url.startsWith("/node-haneul-test")),
        `npm asked the registry: ${asked.join(", ")}`,
      );
    } finally {
      registry.close();
      await tmp.remove();
    }
  });
});
