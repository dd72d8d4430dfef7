import { type Cursor, encodeCursor } from "../domain/cursor";
import type { InvoiceRow } from "../domain/invoice";

export async function getInvoice(db: D1Database, invoiceId: string): Promise<InvoiceRow | null> {
  return db.prepare("SELECT * FROM invoices WHERE invoice_id = ?1").bind(invoiceId).first<InvoiceRow>();
}

export interface InvoiceQuery {
  limit: number;
  cursor: Cursor | null;
  status: string | null;
  since: string | null; // ISO: first_received_at >= since
  orderId: string | null; // exact match
  project: string | null; // the slug
}

/** Newest first, by (first_received_at, invoice_id): a stable key, so pages never skip or repeat. */
export async function listInvoices(db: D1Database, query: InvoiceQuery): Promise<{ rows: InvoiceRow[]; next: string | null }> {
  const after = query.cursor;
  const { results } = await db
    .prepare(
      `SELECT * FROM invoices
       WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR first_received_at >= ?2)
         AND (?3 IS NULL OR (first_received_at, invoice_id) < (?3, ?4))
         AND (?6 IS NULL OR order_id = ?6) AND (?7 IS NULL OR project = ?7)
       ORDER BY first_received_at DESC, invoice_id DESC LIMIT ?5`,
    )
    .bind(query.status, query.since, after?.at ?? null, after?.id ?? null, query.limit + 1, query.orderId, query.project)
    .all<InvoiceRow>();
  const rows = results.slice(0, query.limit);
  const last = rows[rows.length - 1];
  const next = results.length > query.limit && last ? encodeCursor({ at: last.first_received_at, id: last.invoice_id }) : null;
  return { rows, next };
}

/** A postback receipt, as GET /invoices/:id/postbacks shows it. Never the token. */
export interface ReceiptRow {
  id: number;
  received_at: string;
  content_type: string;
  api_version: number;
  status: string;
  amount_crypto: string;
  currency: string;
  order_id: string | null;
  test_mode: number | null;
  request_id: string;
}

/** The invoice's postback receipts, oldest first (bounded: a replay storm cannot make this unbounded). */
export async function receiptsOf(db: D1Database, invoiceId: string, limit = 200): Promise<ReceiptRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, received_at, content_type, api_version, status, amount_crypto, currency, order_id, test_mode, request_id
       FROM postbacks WHERE invoice_id = ?1 ORDER BY id DESC LIMIT ?2`,
    )
    .bind(invoiceId, limit)
    .all<ReceiptRow>();
  return results.reverse();
}
