import type { LeaseHolder } from "../../../ports/cluster.js";
import type { PgDatabase } from "../database.js";

/**
 * INSERT … ON CONFLICT DO UPDATE … WHERE: takes a lease that is free, expired or already the
 * owner's in one statement; a row comes back only when `owner` holds it afterwards.
 */
export async function acquireLease(
  db: PgDatabase,
  l: { name: string; owner: string; now: number; until: number },
): Promise<boolean> {
  const sql = `INSERT INTO cluster_leases (name, owner, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
      acquired_at = CASE WHEN cluster_leases.owner = excluded.owner THEN cluster_leases.acquired_at ELSE excluded.acquired_at END
    WHERE cluster_leases.owner = excluded.owner OR cluster_leases.expires_at <= $3
    RETURNING owner`;
  return (await db.rows(sql, [l.name, l.owner, l.now, l.until])).length === 1;
}

/** DELETE a lease if `owner` holds it. */
export async function releaseLease(db: PgDatabase, name: string, owner: string): Promise<boolean> {
  return (await db.run("DELETE FROM cluster_leases WHERE name = $1 AND owner = $2", [name, owner])) === 1;
}

/** SELECT a lease's holder. */
export async function selectLease(db: PgDatabase, name: string): Promise<LeaseHolder | undefined> {
  const rows = await db.rows<{ owner: string; expires_at: string }>(
    "SELECT owner, expires_at FROM cluster_leases WHERE name = $1",
    [name],
  );
  const r = rows[0];
  return r && { owner: r.owner, expiresAt: Number(r.expires_at) };
}
