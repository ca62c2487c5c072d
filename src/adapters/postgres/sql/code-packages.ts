import type { PgDatabase } from "../database.js";

/** INSERT a package; false when its digest is stored already. */
export async function insertPackage(
  db: PgDatabase,
  p: { sha256Hex: string; zip: Buffer; at: number },
): Promise<boolean> {
  const sql = `INSERT INTO code_packages (sha256_hex, size, zip, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (sha256_hex) DO NOTHING`;
  return (await db.run(sql, [p.sha256Hex, p.zip.length, p.zip, p.at])) === 1;
}

/** SELECT whether a package is stored. */
export async function packageExists(db: PgDatabase, sha256Hex: string): Promise<boolean> {
  return (await db.rows("SELECT 1 FROM code_packages WHERE sha256_hex = $1", [sha256Hex])).length === 1;
}

/** SELECT a package's bytes. */
export async function selectPackage(db: PgDatabase, sha256Hex: string): Promise<Buffer | undefined> {
  return (await db.rows<{ zip: Buffer }>("SELECT zip FROM code_packages WHERE sha256_hex = $1", [sha256Hex]))[0]?.zip;
}

/** SELECT the bytes of all packages. */
export async function sumPackageSizes(db: PgDatabase): Promise<number> {
  return Number(
    (await db.rows<{ total: string }>("SELECT COALESCE(SUM(size), 0) AS total FROM code_packages"))[0]?.total,
  );
}
