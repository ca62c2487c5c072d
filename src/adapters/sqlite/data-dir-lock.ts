import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";

/** A data directory held by this process; `release()` lets another node open it. */
export interface DataDirLock {
  release(): void;
}

/** The data directory is held by another node; the message says which and what to do. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, holder: string | undefined) {
    super(
      `the data directory ${dataDir} is in use by another haneul node${holder ? ` (pid ${holder})` : ""}: ` +
        "stop it, or give this node its own --data (several nodes share state only through PostgreSQL)",
    );
    this.name = "DataDirInUseError";
  }
}

/**
 * Takes the data directory for this node: an exclusive SQLite transaction on `<dir>/haneul.lock`,
 * held for the node's life. The lock is the operating system's (fcntl), so it goes with the
 * process however it ends, kill -9 included, and a second node on the same directory (another
 * process, or this one) is refused at once instead of sharing the store and disagreeing with it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new BetterSqlite3(join(dataDir, "haneul.lock"));
  const pidFile = join(dataDir, "haneul.pid");
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("journal_mode = DELETE");
    db.exec("BEGIN EXCLUSIVE");
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
    throw new DataDirInUseError(dataDir, readHolder(pidFile));
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  return {
    release() {
      if (!db.open) return;
      db.exec("ROLLBACK");
      db.close();
    },
  };
}

function readHolder(pidFile: string): string | undefined {
  try {
    return readFileSync(pidFile, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
