import { type InvoiceRow, kvKey, toPublicInvoice } from "../domain/invoice";

/**
 * Writes the KV projection of an invoice, then records which version KV holds, so that the
 * sweeper can repair a projection whose write was lost. Runs after the response (waitUntil).
 */
export async function projectInvoice(kv: KVNamespace, db: D1Database, row: InvoiceRow): Promise<void> {
  await kv.put(kvKey(row.invoice_id), JSON.stringify(toPublicInvoice(row)));
  await db
    .prepare("UPDATE invoices SET projected_version = ?2 WHERE invoice_id = ?1 AND projected_version < ?2")
    .bind(row.invoice_id, row.version)
    .run();
}

/** Invoices whose KV copy is behind D1 and was not just written by the request itself. */
export async function unprojectedInvoices(db: D1Database, olderThan: Date, limit: number): Promise<InvoiceRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM invoices WHERE projected_version < version AND last_received_at < ?1 LIMIT ?2")
    .bind(olderThan.toISOString(), limit)
    .all<InvoiceRow>();
  return results;
}
