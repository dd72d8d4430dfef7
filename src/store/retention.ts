/**
 * Retention's bounded deletes, oldest first. Invoices and events are the ledger and are never
 * deleted; nothing a pending delivery or a held invoice needs is deleted either: a pending
 * delivery's attempts, the receipts of an invoice still waiting for confirmation (its
 * confirmation reads the latest one). What never arrived (a delivery exhausted, refused with 410,
 * canceled: any state but pending and delivered) is kept with its attempts until the longer
 * `?3` cutoff (UNDELIVERED_RETENTION_DAYS; NULL keeps it), so it can still be found and redelivered.
 */
const UNDELIVERED = "d.state NOT IN ('pending', 'delivered')";
const expired = (column: string) =>
  `((d.state = 'delivered' AND ${column} < ?1) OR (${UNDELIVERED} AND ?3 IS NOT NULL AND ${column} < ?3))`;

const PRUNES = {
  delivery_attempts: `DELETE FROM delivery_attempts WHERE id IN (
      SELECT a.id FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.started_at < ?1 AND ${expired("a.started_at")} ORDER BY a.id LIMIT ?2)`,
  // Attempts go first (they reference their delivery); a delivery goes once it has none left.
  deliveries: `DELETE FROM deliveries WHERE id IN (
      SELECT d.id FROM deliveries d WHERE d.state <> 'pending' AND d.updated_at < ?1 AND ${expired("d.updated_at")}
        AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id) LIMIT ?2)`,
  postbacks: `DELETE FROM postbacks WHERE id IN (
      SELECT p.id FROM postbacks p WHERE p.received_at < ?1
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.invoice_id = p.invoice_id AND i.status_rank = 0)
      ORDER BY p.id LIMIT ?2)`,
  alerts: "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE state <> 'pending' AND updated_at < ?1 LIMIT ?2)",
  alert_cooldowns: "DELETE FROM alert_cooldowns WHERE rowid IN (SELECT rowid FROM alert_cooldowns WHERE opened_at < ?1 LIMIT ?2)",
  // Called with AUDIT_RETENTION_DAYS' cutoff, never RETENTION_DAYS' (see retention/prune.ts).
  audit_log: "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 ORDER BY at LIMIT ?2)",
} as const;

export type PrunedTable = keyof typeof PRUNES;
export const PRUNED_TABLES = Object.keys(PRUNES) as PrunedTable[];

/** The two ages: everything else, and what never arrived (null: kept until delivered). */
export interface Cutoffs {
  cutoff: Date;
  undelivered: Date | null;
}

/** Deletes at most `limit` rows of `table` past its cutoff; returns how many it deleted. */
export async function pruneOnce(db: D1Database, table: PrunedTable, cutoffs: Cutoffs, limit: number): Promise<number> {
  const params: unknown[] = [cutoffs.cutoff.toISOString(), limit];
  if (table === "deliveries" || table === "delivery_attempts") params.push(cutoffs.undelivered?.toISOString() ?? null);
  const { meta } = await db
    .prepare(PRUNES[table])
    .bind(...params)
    .run();
  return meta.changes ?? 0;
}

const COUNTED = [
  "invoices",
  "postbacks",
  "events",
  "deliveries",
  "delivery_attempts",
  "confirmations",
  "alerts",
  "alert_signals",
  "audit_log",
] as const;

/** Rows per table and the database's size in bytes, for /stats. */
export async function tableSizes(db: D1Database): Promise<{ rows: Record<string, number>; database_bytes: number | null }> {
  const results = await db.batch<{ n: number }>(COUNTED.map((t) => db.prepare(`SELECT count(*) AS n FROM ${t}`)));
  const rows = Object.fromEntries(COUNTED.map((t, i) => [t, Number(results[i]?.results[0]?.n ?? 0)]));
  const size = results[0]?.meta.size_after;
  return { rows, database_bytes: typeof size === "number" ? size : null };
}
