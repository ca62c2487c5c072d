import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { adminUrl, createTestDatabase, withDatabase } from "../../../test/helpers/postgres.js";
import { startPgServer, type PgServer } from "../../../test/helpers/pg-server.js";
import { isPlatformError } from "../../shared/errors.js";
import { sampleFunction } from "../../ports/store.contract.js";
import { DatabaseOpenError, PgDatabase } from "./database.js";
import { defaultMigrationsDir, readMigrations } from "./migrate.js";
import { PgStore } from "./pg-store.js";

async function emptyDatabase(): Promise<string> {
  const name = `e_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: await adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return withDatabase(await adminUrl(), name);
}

async function openError(url: string): Promise<string> {
  const e = await PgDatabase.open({ url, connectTimeoutMs: 2000 }).then(
    (db) => db.end().then(() => assert.fail("opened")),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DatabaseOpenError, String(e));
  return e.message;
}

describe("PgDatabase: opening", () => {
  test("two nodes opening a new database together migrate it once", async () => {
    const url = await emptyDatabase();
    const both = await Promise.all([PgDatabase.open({ url, poolSize: 2 }), PgDatabase.open({ url, poolSize: 2 })]);
    const rows = await both[0].rows<{ version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    );
    const files = readMigrations(defaultMigrationsDir()).map((m) => ({ version: m.version, name: m.name }));
    assert.deepEqual(rows, files);
    assert.deepEqual(files[0], { version: 1, name: "0001_init.sql" });
    await Promise.all(both.map((db) => db.end()));
    // A third open finds nothing to do and the data of the first two is still there.
    const again = await PgDatabase.open({ url });
    const store = new PgStore(again);
    assert.equal(await store.insertFunction(sampleFunction("kept")), true);
    await store.close();
  });

  test("a wrong password, an unreachable server and a missing database are named as such", async () => {
    const good = new URL(await adminUrl());
    const wrongPassword = new URL(good);
    wrongPassword.password = "not-the-password";
    assert.match(await openError(wrongPassword.toString()), /refused the password of user "haneul"/);
    const closedPort = new URL(good);
    closedPort.port = "1";
    assert.match(
      await openError(closedPort.toString()),
      /cannot connect to PostgreSQL at 127\.0\.0\.1:1: connection refused/,
    );
    assert.match(await openError(withDatabase(good.toString(), "no_such_db")), /database "no_such_db" does not exist/);
  });
});

describe("PgDatabase: the server going away while in use", () => {
  let server: PgServer;
  before(async () => {
    server = await startPgServer();
  });
  after(() => server.destroy());

  test("statements fail with ERR_STORE_UNAVAILABLE during the outage and work again after it", async () => {
    const idleErrors: Error[] = [];
    const db = await PgDatabase.open({
      url: server.url(),
      connectTimeoutMs: 1000,
      onIdleError: (e) => idleErrors.push(e),
    });
    const store = new PgStore(db);
    await store.insertFunction(sampleFunction("before"));
    await server.stop("immediate");
    const during = await store.getFunction("before").then(
      () => assert.fail("read during the outage"),
      (e: unknown) => e,
    );
    assert.ok(isPlatformError(during), String(during));
    assert.equal(during.code, "ERR_STORE_UNAVAILABLE");
    assert.equal(during.awsType, "ServiceException");
    const inTransaction = await store
      .publishVersion({
        functionName: "before",
        expectedRevisionId: "x",
        newLatestRevisionId: "y",
        version: {
          config: sampleFunction("before").config,
          revisionId: "r",
          configRevision: "c",
          lastModified: 1,
          createdAt: 1,
        },
      })
      .then(
        () => assert.fail("wrote during the outage"),
        (e: unknown) => e,
      );
    assert.ok(isPlatformError(inTransaction) && inTransaction.code === "ERR_STORE_UNAVAILABLE", String(inTransaction));
    await server.start();
    assert.equal((await store.getFunction("before"))?.name, "before");
    assert.equal(await store.insertFunction(sampleFunction("after")), true);
    await store.close();
  });

  test("a connection ended by the server between two statements of a transaction fails it, not the process", async () => {
    const db = await PgDatabase.open({ url: server.url(), connectTimeoutMs: 1000 });
    const failed = await db
      .transaction(async (q) => {
        const own = await q.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await db.run("SELECT pg_terminate_backend($1)", [own.rows[0]?.pid]);
        // The server's FATAL arrives while no statement runs on this connection.
        await new Promise((r) => setTimeout(r, 300));
        await q.query("SELECT 1");
      })
      .then(
        () => assert.fail("the transaction went on"),
        (e: unknown) => e,
      );
    assert.ok(isPlatformError(failed) && failed.code === "ERR_STORE_UNAVAILABLE", String(failed));
    // The broken connection was discarded: the pool serves the next statements.
    assert.deepEqual(await db.rows("SELECT 1 AS one"), [{ one: 1 }]);
    await db.end();
  });
});

test("createTestDatabase hands each caller a migrated database of its own", async () => {
  const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  assert.notEqual(a, b);
  const sa = new PgStore(await PgDatabase.open({ url: a }));
  const sb = new PgStore(await PgDatabase.open({ url: b }));
  await sa.insertFunction(sampleFunction("only-in-a"));
  assert.deepEqual(await sb.listFunctions(), []);
  await Promise.all([sa.close(), sb.close()]);
});
