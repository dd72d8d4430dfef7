import type { InvoiceRow } from "../domain/invoice";
import { type Cursor, encodeCursor } from "./cursor";

export async function getInvoice(db: D1Database, invoiceId: string): Promise<InvoiceRow | null> {
  return db.prepare("SELECT * FROM invoices WHERE invoice_id = ?1").bind(invoiceId).first<InvoiceRow>();
}

export interface InvoiceQuery {
  limit: number;
  cursor: Cursor | null;
  status: string | null;
  since: string | null; // ISO: first_received_at >= since
}

/** Newest first, by (first_received_at, invoice_id): a stable key, so pages never skip or repeat. */
export async function listInvoices(db: D1Database, q: InvoiceQuery): Promise<{ rows: InvoiceRow[]; next: string | null }> {
  const after = q.cursor;
  const { results } = await db
    .prepare(
      `SELECT * FROM invoices
       WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR first_received_at >= ?2)
         AND (?3 IS NULL OR (first_received_at, invoice_id) < (?3, ?4))
       ORDER BY first_received_at DESC, invoice_id DESC LIMIT ?5`,
    )
    .bind(q.status, q.since, after?.at ?? null, after?.id ?? null, q.limit + 1)
    .all<InvoiceRow>();
  const rows = results.slice(0, q.limit);
  const last = rows[rows.length - 1];
  const next = results.length > q.limit && last ? encodeCursor({ at: last.first_received_at, id: last.invoice_id }) : null;
  return { rows, next };
}
