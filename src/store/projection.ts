import { type InvoiceRow, kvKey, toPublicInvoice } from "../domain/invoice";

/** KV metadata of a projection: which D1 version of the invoice the value shows. */
interface ProjectionMeta {
  version: number;
}

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

/**
 * The sweeper's half: invoices changed since their last repair (and not in the last few seconds,
 * which their own request may still be writing) are compared with KV by version; stale or missing
 * ones are re-put, then all are marked repaired in one statement.
 */
export async function repairProjections(kv: KVNamespace, db: D1Database, olderThan: Date, limit: number): Promise<number> {
  const { results } = await db
    .prepare("SELECT * FROM invoices WHERE projected_version < version AND updated_at < ?1 ORDER BY updated_at LIMIT ?2")
    .bind(olderThan.toISOString(), limit)
    .all<InvoiceRow>();
  let written = 0;
  for (const row of results) {
    const { metadata } = await kv.getWithMetadata<ProjectionMeta>(kvKey(row.invoice_id));
    if (metadata?.version !== row.version) {
      await projectInvoice(kv, row);
      written++;
    }
  }
  if (results.length > 0) {
    await db.batch(
      results.map((r) =>
        db
          .prepare("UPDATE invoices SET projected_version = ?2 WHERE invoice_id = ?1 AND projected_version < ?2")
          .bind(r.invoice_id, r.version),
      ),
    );
  }
  return written;
}
