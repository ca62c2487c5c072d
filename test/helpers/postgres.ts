/**
 * PostgreSQL for tests: one server per test run (started by scripts/run-tests.mjs, which passes its
 * admin URL in HANEUL_TEST_PG_URL; a test file run on its own starts one for itself), a template
 * database migrated once per server, and one database per test file cloned from it, so test files
 * run in parallel without seeing each other's rows.
 *
 * Any contract suite runs on PostgreSQL with one line:
 * @example runStoreContract("PostgreSQL", pgFixture((db) => new PgStore(db)));
 */
import { rmSync } from "node:fs";
import pg from "pg";
import { PgDatabase } from "../../src/adapters/postgres/database.js";
import { startPgServer, type PgServer } from "./pg-server.js";

const TEMPLATE = "haneul_template";
/** Serializes template creation among test processes sharing a server. */
const TEMPLATE_LOCK = 0x74706c74;

let ownServer: Promise<PgServer> | undefined;

/** The admin URL of the run's server (HANEUL_TEST_PG_URL), starting one for this process when unset. */
export async function adminUrl(): Promise<string> {
  const given = process.env["HANEUL_TEST_PG_URL"];
  if (given) return given;
  ownServer ??= startPgServer().then((s) => {
    // pg-server stops the server when this process exits; its directory goes with it.
    process.once("exit", () => {
      try {
        rmSync(s.dir, { recursive: true, force: true });
      } catch {
        // The server may still be writing as it stops; its temporary directory is left behind.
      }
    });
    return s;
  });
  return (await ownServer).url();
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the migrated template once per server (whichever test process comes first). */
async function ensureTemplate(admin: pg.Client): Promise<void> {
  await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE]);
    if (found.rowCount === 1) return;
    await admin.query(`CREATE DATABASE ${TEMPLATE}_wip`);
    const db = await PgDatabase.open({ url: withDatabase(await adminUrl(), `${TEMPLATE}_wip`), poolSize: 1 });
    await db.end();
    // Renamed only once migrated: a template that exists is complete.
    await admin.query(`ALTER DATABASE ${TEMPLATE}_wip RENAME TO ${TEMPLATE}`);
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
  }
}

/** A fresh, migrated database of its own; dropped when the test file ends. */
export async function createTestDatabase(): Promise<string> {
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withAdmin(async (admin) => {
    await ensureTemplate(admin);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  });
  dropAtExit(name);
  return withDatabase(await adminUrl(), name);
}

const toDrop: string[] = [];

/** Drops this process's databases once its tests are done (when its event loop has emptied). */
function dropAtExit(name: string): void {
  if (toDrop.push(name) > 1) return;
  process.once("beforeExit", () => {
    void withAdmin(async (admin) => {
      for (const db of toDrop.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }).catch(() => undefined);
  });
}

/** Every table of the schema except the migration record, emptied between tests. */
async function truncateAll(db: PgDatabase): Promise<void> {
  const rows = await db.rows<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
  );
  if (rows.length > 0)
    await db.run(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
}

/**
 * A factory for contract suites: each call hands `make` an empty database (this file's own,
 * truncated), and the store's close releases it.
 */
export function pgFixture<S>(make: (db: PgDatabase) => S): () => Promise<S> {
  let url: Promise<string> | undefined;
  return async () => {
    url ??= createTestDatabase();
    const db = await PgDatabase.open({ url: await url, poolSize: 4 });
    await truncateAll(db);
    return make(db);
  };
}
