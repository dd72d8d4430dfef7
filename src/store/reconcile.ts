import type { InvoiceRow } from "../domain/invoice";
import type { ConfirmedPlan } from "../domain/plan";
import { eventStatements } from "./ledger";

// A listed paid invoice is written only when it is unknown or known at a lower rank (pending_confirmation
// and unconfirmed rank 0) under the same project: the WHERE of the upsert decides, so an invoice at the
// same or a higher rank, or another project's, is not written at all. A new row says source =
// 'reconciliation' and postback_count = 0.
const UPSERT = `
INSERT INTO invoices (invoice_id, status, status_rank, amount_crypto, currency, order_id, test_mode, confirmed, detail_json,
  not_forwarded, source, first_received_at, last_received_at, postback_count, updated_at, project)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, 'reconciliation', ?10, ?10, 0, ?10, ?11)
ON CONFLICT (invoice_id) DO UPDATE SET status = excluded.status, status_rank = excluded.status_rank,
  amount_crypto = excluded.amount_crypto, currency = excluded.currency, order_id = excluded.order_id,
  test_mode = coalesce(excluded.test_mode, test_mode), confirmed = 1, detail_json = excluded.detail_json,
  not_forwarded = excluded.not_forwarded, version = version + 1, updated_at = excluded.updated_at
WHERE invoices.status_rank < excluded.status_rank AND invoices.project = excluded.project
RETURNING *`;

// The rest of an invoice's statements run only if the upsert above wrote it (updated_at is this
// batch's instant), so an already-recorded invoice gets no event, no delivery, nothing.
const written = (id: string, at: string) => `(SELECT updated_at FROM invoices WHERE invoice_id = ${id}) = ${at}`;

const CLOSE_CONFIRMATION = `UPDATE confirmations SET state = 'done', lease_until = NULL, lease_token = NULL, last_error = NULL, updated_at = ?2
  WHERE invoice_id = ?1 AND state <> 'done' AND ${written("?1", "?2")}`;

// One alert signal for the page, naming the invoices written and how many, in the same transaction.
const SIGNAL = `INSERT INTO alert_signals (kind, subject, data_json, created_at)
  SELECT 'reconciliation.recovered', 'reconcile:' || ?3,
    json_object('invoice_ids', json_group_array(invoice_id), 'count', count(*), 'project', ?3), ?2
  FROM invoices WHERE invoice_id IN (SELECT value FROM json_each(?1)) AND updated_at = ?2 HAVING count(*) > 0`;

/**
 * Records one page's recovered invoices in one batch (one transaction): each invoice, the
 * confirmation it no longer needs, its event and one delivery per destination, then `extra` (the
 * project's cursor, the lease, the audit entry), so a page and where the crawl stands commit
 * together. Returns the invoices actually written and the deliveries created.
 */
export async function recordRecovered(
  db: D1Database,
  project: string,
  plans: readonly ConfirmedPlan[],
  now: Date,
  extra: readonly D1PreparedStatement[],
): Promise<{ invoices: InvoiceRow[]; deliveryIds: string[] }> {
  const at = now.toISOString();
  const statements: D1PreparedStatement[] = [];
  const upserts: number[] = [];
  const deliveries: number[] = [];
  for (const p of plans) {
    upserts.push(statements.length);
    statements.push(
      db
        .prepare(UPSERT)
        .bind(
          p.invoiceId,
          p.status,
          p.statusRank,
          p.amountCrypto,
          p.currency,
          p.orderId,
          p.testMode,
          p.detailJson,
          p.notForwarded,
          at,
          project,
        ),
      db.prepare(CLOSE_CONFIRMATION).bind(p.invoiceId, at),
    );
    const events = eventStatements(db, p.invoiceId, p.event, p, at, true);
    if (p.forward) deliveries.push(statements.length + events.length - 1); // its deliveries' RETURNING
    statements.push(...events);
  }
  if (plans.length > 0) statements.push(db.prepare(SIGNAL).bind(JSON.stringify(plans.map((p) => p.invoiceId)), at, project));
  statements.push(...extra);
  if (statements.length === 0) return { invoices: [], deliveryIds: [] };
  const results = await db.batch<Record<string, unknown>>(statements);
  const invoices = upserts.flatMap((i) => (results[i]?.results ?? []) as unknown as InvoiceRow[]);
  const deliveryIds = deliveries.flatMap((i) => (results[i]?.results ?? []).map((row) => String(row.id)));
  return { invoices, deliveryIds };
}
