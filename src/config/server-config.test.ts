import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { instanceHostEnv } from "./instance-env.js";
import { ConfigError, loadServerConfig } from "./server-config.js";

describe("loadServerConfig", () => {
  it("reads the extra regions a node serves and its node secret", () => {
    const c = loadServerConfig({ HANEUL_NODE_SECRET: "0123456789abcdef0123" }, [
      "--extra-regions",
      "eu-west-1,us-west-2",
    ]);
    assert.deepEqual(c.extraRegions, ["eu-west-1", "us-west-2"]);
    assert.equal(c.nodeSecret, "0123456789abcdef0123");
    assert.throws(() => loadServerConfig({}, ["--extra-regions", "mars"]), ConfigError);
    assert.throws(() => loadServerConfig({ HANEUL_NODE_SECRET: "short" }, []), /at least 16 characters/);
  });

  it("has defaults, with the data directory under the working directory", () => {
    const c = loadServerConfig({}, [], "/srv/app");
    assert.deepEqual(c, {
      dataDir: "/srv/app/.haneul",
      apiHost: "127.0.0.1",
      apiPort: 3001,
      gatewayHost: "127.0.0.1",
      gatewayPort: 3000,
      region: "us-east-1",
      extraRegions: [],
      accountId: "000000000000",
      nodeSecret: undefined,
      accessKey: undefined,
      concurrency: 1000,
      idleTimeoutMs: 300000,
      spares: 2,
      scaleOutAfter: 2 * availableParallelism(),
      scaleOutWaitMs: 250,
      aheadDepth: 3,
      instanceNice: 10,
      streamMaxBytes: 209715200,
      randomSeed: undefined,
      quiet: false,
      runtimes: {
        dir: join(homedir(), ".cache", "haneul", "runtimes"),
        home: homedir(),
        path: "/usr/local/bin:/usr/bin:/bin",
        network: {},
      },
      timeScale: 1,
      sandbox: "auto",
      sandboxUids: { first: 200000, last: 265535 },
      store: { kind: "sqlite" },
      cluster: { leaseMs: 5000, catchUpMs: 1000, advertise: undefined, poolSize: 10 },
      outboundAllow: [],
    });
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.cluster));
  });

  it("takes the store from --store, else HANEUL_STORE, else DATABASE_URL", () => {
    const url = "postgres://haneul:pw@db.internal:5432/haneul";
    assert.deepEqual(loadServerConfig({ DATABASE_URL: url }, []).store, { kind: "postgres", url });
    const other = "postgresql://u@10.0.0.5/other?sslmode=require";
    assert.deepEqual(loadServerConfig({ DATABASE_URL: url, HANEUL_STORE: other }, []).store, {
      kind: "postgres",
      url: other,
    });
    assert.deepEqual(loadServerConfig({ HANEUL_STORE: other }, ["--store", "sqlite"]).store, { kind: "sqlite" });
    for (const socket of ["postgres:///haneul?host=/var/run/postgresql", "postgres://haneul@/haneul?host=/run/pg"]) {
      assert.deepEqual(loadServerConfig({}, ["--store", socket]).store, { kind: "postgres", url: socket });
    }
    const c = loadServerConfig({ HANEUL_LEASE_MS: "2000", HANEUL_ADVERTISE: "10.1.2.3:3000" }, [
      "--catch-up-ms",
      "250",
    ]);
    assert.deepEqual(c.cluster, { leaseMs: 2000, catchUpMs: 250, advertise: "10.1.2.3:3000", poolSize: 10 });
  });

  it("refuses a store that is not sqlite or a usable postgres URL, never showing the password", () => {
    const refused = (env: Record<string, string>, argv: string[] = []) => {
      try {
        loadServerConfig(env, argv);
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.doesNotMatch(e.message, /s3cret/);
        return e.message;
      }
      return assert.fail("accepted");
    };
    assert.match(
      refused({}, ["--store", "mysql://u:s3cret@h/db"]),
      /invalid --store 'mysql:\/\/u:\*\*\*@h\/db': only sqlite and postgres/,
    );
    assert.match(refused({ HANEUL_STORE: "not a url s3cret" }), /invalid HANEUL_STORE: must be sqlite or a URL/);
    assert.match(refused({ DATABASE_URL: "postgres://u:s3cret@db" }), /invalid DATABASE_URL .*no database name/);
    assert.match(refused({ DATABASE_URL: "postgres:///haneul" }), /no host/);
    assert.match(refused({ HANEUL_LEASE_MS: "10" }), /invalid HANEUL_LEASE_MS '10'/);
  });

  it("takes the sandbox mode and its uid range, and refuses a range with uid 0 or reversed", () => {
    const c = loadServerConfig({ HANEUL_SANDBOX: "strict" }, ["--sandbox-uids", "300000-300099"]);
    assert.equal(c.sandbox, "strict");
    assert.deepEqual(c.sandboxUids, { first: 300000, last: 300099 });
    assert.equal(loadServerConfig({}, ["--sandbox", "off"]).sandbox, "off");
    assert.throws(() => loadServerConfig({}, ["--sandbox", "maybe"]), /invalid --sandbox 'maybe'/);
    assert.throws(() => loadServerConfig({}, ["--sandbox-uids", "0-100"]), /must not include uid 0/);
    assert.throws(() => loadServerConfig({ HANEUL_SANDBOX_UIDS: "500-400" }, []), /HANEUL_SANDBOX_UIDS/);
    assert.throws(() => loadServerConfig({}, ["--sandbox-uids", "1000"]), /must be a range like 200000-265535/);
  });

  it("reads every setting from the environment, and flags win over it", () => {
    const env = {
      HANEUL_DATA: "/var/haneul",
      HANEUL_API_PORT: "4001",
      HANEUL_GATEWAY_PORT: "4000",
      HANEUL_HOST: "0.0.0.0",
      HANEUL_API_HOST: "0.0.0.0",
      HANEUL_REGION: "eu-west-1",
      HANEUL_ACCOUNT_ID: "123456789012",
      HANEUL_CONCURRENCY: "50",
      HANEUL_IDLE_TIMEOUT_MS: "1000",
      HANEUL_SPARES: "0",
      HANEUL_INSTANCE_NICE: "3",
      HANEUL_AHEAD_DEPTH: "0",
      HANEUL_RANDOM_SEED: "4294967295",
      HANEUL_ACCESS_KEY_ID: "AKIAABCDEFGHIJKLMNOP",
      HANEUL_SECRET_ACCESS_KEY: "secret/with+chars",
    };
    const c = loadServerConfig(env, ["--api-port", "5001", "--region=ap-northeast-2", "--data", "rel"], "/w");
    assert.equal(c.apiPort, 5001);
    assert.equal(c.region, "ap-northeast-2");
    assert.equal(c.dataDir, "/w/rel");
    assert.equal(c.gatewayPort, 4000);
    assert.equal(c.gatewayHost, "0.0.0.0");
    assert.equal(c.apiHost, "0.0.0.0");
    assert.equal(c.accountId, "123456789012");
    assert.equal(c.concurrency, 50);
    assert.equal(c.idleTimeoutMs, 1000);
    assert.equal(c.spares, 0);
    assert.equal(c.instanceNice, 3);
    assert.equal(c.aheadDepth, 0);
    assert.equal(c.randomSeed, 4294967295);
    assert.equal(loadServerConfig(env, ["--random-seed", "0"]).randomSeed, 0);
    assert.deepEqual(c.accessKey, { accessKeyId: "AKIAABCDEFGHIJKLMNOP", secretAccessKey: "secret/with+chars" });
  });

  it("names the flag or variable that is wrong", () => {
    const bad = (env: Record<string, string>, argv: string[], re: RegExp): void =>
      assert.throws(
        () => loadServerConfig(env, argv),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad({}, ["--api-port", "abc"], /--api-port 'abc'/);
    bad({}, ["--gateway-port", "70000"], /--gateway-port/);
    bad({ HANEUL_API_PORT: "-1" }, [], /HANEUL_API_PORT '-1'/);
    bad({}, ["--account-id", "12"], /--account-id '12': must be 12 digits/);
    bad({}, ["--region", "Mars"], /--region 'Mars'/);
    bad({ HANEUL_CONCURRENCY: "0" }, [], /HANEUL_CONCURRENCY/);
    bad({}, ["--spares", "1.5"], /--spares/);
    bad({}, ["--instance-nice", "20"], /--instance-nice '20'/);
    bad({}, ["--ahead-depth", "17"], /--ahead-depth '17'/);
    bad({}, ["--random-seed", "abc"], /--random-seed 'abc'/);
    bad({ HANEUL_RANDOM_SEED: "4294967296" }, [], /HANEUL_RANDOM_SEED '4294967296'/);
    bad({}, ["--random-seed=-1"], /--random-seed '-1': must be a whole number/);
    bad({}, ["--nope"], /nope/);
    bad({ HANEUL_ACCESS_KEY_ID: "AKIAABCDEFGHIJKLMNOP" }, [], /must be set together/);
    bad({ HANEUL_ACCESS_KEY_ID: "lower", HANEUL_SECRET_ACCESS_KEY: "x" }, [], /HANEUL_ACCESS_KEY_ID/);
  });

  it("--quiet is a bare flag; HANEUL_QUIET takes true/false/1/0", () => {
    assert.equal(loadServerConfig({}, ["--quiet"]).quiet, true);
    assert.equal(loadServerConfig({ HANEUL_QUIET: "1" }, []).quiet, true);
    assert.equal(loadServerConfig({ HANEUL_QUIET: "false" }, []).quiet, false);
    assert.throws(() => loadServerConfig({ HANEUL_QUIET: "loud" }, []), /HANEUL_QUIET 'loud': must be true or false/);
  });

  it("places the runtimes cache: HANEUL_RUNTIMES_DIR (relative to the working directory), else the XDG cache", () => {
    assert.equal(loadServerConfig({ HANEUL_RUNTIMES_DIR: "rt" }, [], "/w").runtimes.dir, "/w/rt");
    assert.equal(loadServerConfig({ XDG_CACHE_HOME: "/c", HOME: "/h" }, []).runtimes.dir, "/c/haneul/runtimes");
    assert.deepEqual(
      loadServerConfig({ HOME: "/h", PATH: "/p", https_proxy: "http://px:3128", TOKEN: "t" }, []).runtimes,
      {
        dir: "/h/.cache/haneul/runtimes",
        home: "/h",
        path: "/p",
        network: { https_proxy: "http://px:3128" },
      },
    );
  });

  it("takes a time scale from 0.1 to 10000, and names the flag or variable of a bad one", () => {
    assert.equal(loadServerConfig({ HANEUL_TIME_SCALE: "60" }, []).timeScale, 60);
    assert.equal(loadServerConfig({ HANEUL_TIME_SCALE: "60" }, ["--time-scale", "0.5"]).timeScale, 0.5);
    assert.equal(loadServerConfig({}, ["--time-scale=10000"]).timeScale, 10_000);
    for (const value of ["0", "0.05", "-3", "10001", "fast", "1e3", "Infinity", ""]) {
      assert.throws(
        () => loadServerConfig({}, [`--time-scale=${value}`]),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message === `invalid --time-scale '${value}': must be a number from 0.1 to 10000`,
        value,
      );
    }
    assert.throws(() => loadServerConfig({ HANEUL_TIME_SCALE: "0" }, []), /HANEUL_TIME_SCALE '0'/);
  });

  it("reads the outbound allow-list from --outbound-allow or HANEUL_OUTBOUND_ALLOW, naming a bad entry", () => {
    assert.deepEqual(loadServerConfig({ HANEUL_OUTBOUND_ALLOW: "10.1.0.0/16" }, []).outboundAllow, [
      { kind: "cidr", network: "10.1.0.0", prefix: 16, family: "ipv4" },
    ]);
    assert.deepEqual(loadServerConfig({}, ["--outbound-allow", "127.0.0.1:8080"]).outboundAllow, [
      { kind: "host-port", host: "127.0.0.1", port: 8080 },
    ]);
    assert.throws(
      () => loadServerConfig({}, ["--outbound-allow", "10.0.0.0/40"]),
      /invalid --outbound-allow '10.0.0.0\/40': '10.0.0.0\/40' is neither/,
    );
  });

  it("treats empty variables as unset", () => {
    assert.equal(loadServerConfig({ HANEUL_API_PORT: "" }, []).apiPort, 3001);
  });
});

describe("instanceHostEnv", () => {
  it("passes PATH and nothing secret", () => {
    const e = instanceHostEnv({ PATH: "/bin", HANEUL_SECRET_ACCESS_KEY: "x", AWS_SECRET_ACCESS_KEY: "y" });
    assert.deepEqual(e, { PATH: "/bin", LANG: "en_US.UTF-8" });
    assert.equal(instanceHostEnv({}).PATH, "/usr/local/bin:/usr/bin:/bin");
  });
});
