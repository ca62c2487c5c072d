import { CHANGE_KINDS, type ChangeRecord, type ConfigChange } from "../../../ports/cluster.js";
import type { PgDatabase, Queryable } from "../database.js";

/** The channel change notifications go out on (payload: the change as JSON). */
export const CHANGES_CHANNEL = "haneul_changes";
/** The channel of unrecorded signals (payload: `{kind, key}` as JSON). */
export const SIGNALS_CHANNEL = "haneul_signals";

interface ChangeRow {
  seq: string;
  kind: ConfigChange["kind"];
  key: string;
  origin: string;
}

const toRecord = (r: ChangeRow): ChangeRecord => ({ seq: Number(r.seq), kind: r.kind, key: r.key, origin: r.origin });

/** Commits the current transaction without waiting for the disk (the change log's rows; see PgChangeFeed). */
export async function commitWithoutFlush(db: PgDatabase, on: Queryable): Promise<void> {
  await db.run("SET LOCAL synchronous_commit = off", [], on);
}

/** INSERT a change and NOTIFY it in the same statement (delivered when it commits); resolves to its seq. */
export async function insertChange(
  db: PgDatabase,
  c: { change: ConfigChange; origin: string; at: number },
  on?: Queryable,
): Promise<number> {
  const sql = `WITH c AS (INSERT INTO cluster_changes (kind, key, origin, at) VALUES ($1, $2, $3, $4) RETURNING seq)
    SELECT seq, pg_notify('${CHANGES_CHANNEL}', json_build_object('seq', seq, 'kind', $1::text, 'key', $2::text, 'origin', $3::text)::text)
    FROM c`;
  const rows = await db.rows<{ seq: string }>(sql, [c.change.kind, c.change.key, c.origin, c.at], on);
  return Number(rows[0]?.seq);
}

/** NOTIFY a signal. */
export async function notifySignal(db: PgDatabase, kind: string, key: string): Promise<void> {
  await db.rows(`SELECT pg_notify('${SIGNALS_CHANNEL}', json_build_object('kind', $1::text, 'key', $2::text)::text)`, [
    kind,
    key,
  ]);
}

/** SELECT changes above `seq`, oldest first. */
export async function selectChangesSince(db: PgDatabase, seq: number, limit: number): Promise<ChangeRecord[]> {
  const sql = "SELECT seq, kind, key, origin FROM cluster_changes WHERE seq > $1 ORDER BY seq LIMIT $2";
  return (await db.rows<ChangeRow>(sql, [seq, limit])).map(toRecord);
}

/** SELECT the lowest kept and the highest recorded seq (the latter from the sequence, so trims do not lower it). */
export async function selectChangeBounds(db: PgDatabase): Promise<{ oldest: number; latest: number }> {
  const sql = `SELECT COALESCE((SELECT MIN(seq) FROM cluster_changes), 0) AS oldest,
    (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM cluster_changes_seq_seq) AS latest`;
  const row = (await db.rows<{ oldest: string; latest: string }>(sql))[0];
  return { oldest: Number(row?.oldest ?? 0), latest: Number(row?.latest ?? 0) };
}

/** DELETE changes recorded before `before`. */
export function deleteChangesBefore(db: PgDatabase, before: number): Promise<number> {
  return db.run("DELETE FROM cluster_changes WHERE at < $1", [before]);
}

/** Parses a change notification's payload; undefined when malformed. */
export function parseChange(payload: string | undefined): ChangeRecord | undefined {
  try {
    const v = JSON.parse(payload ?? "") as Partial<ChangeRecord>;
    const kind = CHANGE_KINDS.find((k) => k === v.kind);
    if (typeof v.seq !== "number" || kind === undefined) return undefined;
    if (typeof v.key !== "string" || typeof v.origin !== "string") return undefined;
    return { seq: v.seq, kind, key: v.key, origin: v.origin };
  } catch {
    return undefined;
  }
}
