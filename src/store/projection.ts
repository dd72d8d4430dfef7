import { type InvoiceRow, kvKey, toPublicInvoice } from "../domain/invoice";

/** KV metadata of a projection: which D1 version of the invoice the value shows. */
interface ProjectionMeta {
  version: number;
}

/** Keys one bulk KV read may ask for (one KV operation for all of them). */
const BULK_READ = 100;
/** KV writes in flight at once: a burst of 500 is written in tens, not all in one go. */
const PUTS_AT_ONCE = 25;

/**
 * Writes the KV projection of an invoice (the read API's JSON), tagged with its D1 version. Runs
 * after the response, for a new invoice or a new status; everything else (duplicates' counters, a
 * lost write) is brought up to date by the sweeper, which coalesces bursts into one write.
 */
export async function projectInvoice(kv: KVNamespace, row: InvoiceRow): Promise<void> {
  await kv.put(kvKey(row.invoice_id), JSON.stringify(toPublicInvoice(row)), {
    metadata: { version: row.version } satisfies ProjectionMeta,
  });
}

/** Marks rows as checked against KV at their version, so the sweeper does not visit them again. */
export async function markProjected(db: D1Database, rows: readonly InvoiceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.batch(
    rows.map((r) =>
      db
        .prepare("UPDATE invoices SET projected_version = ?2 WHERE invoice_id = ?1 AND projected_version < ?2")
        .bind(r.invoice_id, r.version),
    ),
  );
}

/** The version each key's KV value shows, read BULK_READ keys per KV operation. */
async function projectedVersions(kv: KVNamespace, rows: readonly InvoiceRow[]): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (let i = 0; i < rows.length; i += BULK_READ) {
    const keys = rows.slice(i, i + BULK_READ).map((r) => kvKey(r.invoice_id));
    const found = await kv.getWithMetadata<ProjectionMeta>(keys, "text");
    for (const key of keys) out.set(key, found.get(key)?.metadata?.version);
  }
  return out;
}

/**
 * The sweeper's half: invoices changed since their last repair (and not in the last few seconds,
 * which their own request may still be writing) are compared with KV by version (bulk reads);
 * stale or missing ones are re-put, then all are marked repaired.
 */
export async function repairProjections(kv: KVNamespace, db: D1Database, olderThan: Date, limit: number): Promise<number> {
  const { results } = await db
    .prepare("SELECT * FROM invoices WHERE projected_version < version AND updated_at < ?1 ORDER BY updated_at LIMIT ?2")
    .bind(olderThan.toISOString(), limit)
    .all<InvoiceRow>();
  const versions = await projectedVersions(kv, results);
  const stale = results.filter((row) => versions.get(kvKey(row.invoice_id)) !== row.version);
  for (let i = 0; i < stale.length; i += PUTS_AT_ONCE)
    await Promise.all(stale.slice(i, i + PUTS_AT_ONCE).map((row) => projectInvoice(kv, row)));
  await markProjected(db, results);
  return stale.length;
}
