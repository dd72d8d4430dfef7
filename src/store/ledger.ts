import type { InvoiceEvent } from "../domain/event";
import type { InvoiceRow } from "../domain/invoice";
import type { ConfigDestinations, LedgerEntry } from "../domain/plan";
import { configJson, configuredHere, FILTER_MATCHES, syncConfigStatements } from "./destinations";

export interface LedgerResult {
  invoice: InvoiceRow;
  deliveryIds: string[]; // deliveries created by this postback: enqueue them after the commit
  changed: boolean; // a new invoice or a new status: project it to KV now (duplicates wait for the sweeper)
}

// Values move only forward: the row takes the incoming fields only when the incoming status ranks
// higher; a duplicate or a stale postback just counts. SQLite evaluates every SET against the old row.
// Setting `project` to a different slug fires the invoices_project_fixed trigger (migration 0007),
// which aborts the whole batch: a known invoice verified under another project records nothing.
const UPSERT_INVOICE = `
INSERT INTO invoices (invoice_id, status, status_rank, amount_crypto, currency, order_id, test_mode,
  detail_json, not_forwarded, first_received_at, last_received_at, updated_at, project)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?9, ?9, ?9, ?11)
ON CONFLICT (invoice_id) DO UPDATE SET
  project       = excluded.project,
  status        = iif(excluded.status_rank > status_rank, excluded.status, status),
  amount_crypto = iif(excluded.status_rank > status_rank, excluded.amount_crypto, amount_crypto),
  currency      = iif(excluded.status_rank > status_rank, excluded.currency, currency),
  order_id      = iif(excluded.status_rank > status_rank, excluded.order_id, order_id),
  test_mode     = coalesce(iif(excluded.status_rank > status_rank, excluded.test_mode, test_mode), test_mode, excluded.test_mode),
  detail_json   = iif(excluded.status_rank > status_rank, excluded.detail_json, detail_json),
  not_forwarded = iif(excluded.status_rank > status_rank, excluded.not_forwarded, not_forwarded),
  status_rank   = max(status_rank, excluded.status_rank),
  last_received_at = excluded.last_received_at,
  updated_at    = excluded.updated_at,
  postback_count = postback_count + 1,
  version       = version + 1
RETURNING *`;

const INSERT_RECEIPT = `
INSERT INTO postbacks (invoice_id, received_at, content_type, api_version, status, amount_crypto,
  currency, order_id, test_mode, request_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`;

// The event exists once per (invoice, status), and only for the status the invoice now has: a
// stale `paid` after `overpaid` creates nothing. The UNIQUE key, not a prior SELECT, decides.
const insertEvent = (also = "") => `
INSERT INTO events (id, invoice_id, type, payload, created_at)
SELECT ?1, ?2, ?3, ?4, ?5 WHERE (SELECT status FROM invoices WHERE invoice_id = ?2) = ?6${also}
ON CONFLICT DO NOTHING`;

// Every postback re-arms the invoice's confirmation: the API may know more than it did last time.
const ARM_CONFIRMATION = `
INSERT INTO confirmations (invoice_id, state, next_attempt_at, updated_at) VALUES (?1, 'pending', ?2, ?2)
ON CONFLICT (invoice_id) DO UPDATE SET state = 'pending', attempt_count = 0, next_attempt_at = ?2,
  last_error = NULL, lease_token = NULL, rechecks = 0, updated_at = ?2`;

// One delivery per stored destination whose filter matches the invoice now, in the same statement (no
// extra round trip on the hot path). Paused and disabled destinations get theirs too: they are held.
const insertDeliveries = (also = "") => `
INSERT INTO deliveries (id, event_id, invoice_id, destination, destination_id, state, next_attempt_at, pending_since, created_at, updated_at)
SELECT 'dlv_' || lower(hex(randomblob(16))), ?1, ?2, ds.url, ds.id, 'pending', ?3, ?3, ?3, ?3
FROM destinations ds JOIN invoices i ON i.invoice_id = ?2
WHERE ds.removed_at IS NULL AND ${configuredHere("?4")} AND EXISTS (SELECT 1 FROM events WHERE id = ?1) AND ${FILTER_MATCHES}${also}
ORDER BY ds.created_at, ds.id
ON CONFLICT DO NOTHING
RETURNING id`;

// With `onlyIfWrittenNow`, both also require that this batch wrote the invoice (its updated_at is this
// batch's instant): reconciliation's upsert may have written nothing, and then nothing follows.
const INSERT_EVENT = [insertEvent(), insertEvent(" AND (SELECT updated_at FROM invoices WHERE invoice_id = ?2) = ?5")] as const;
const INSERT_DELIVERIES = [insertDeliveries(), insertDeliveries(" AND i.updated_at = ?3")] as const;

/**
 * The event for `status` (only if the invoice has that status now) and, when it is forwarded, one
 * delivery per matching destination (only if the event exists), after bringing FORWARD_URL's
 * destinations up to date: shared by the postback, confirmation and reconciliation batches.
 */
export function eventStatements(
  db: D1Database,
  invoiceId: string,
  event: InvoiceEvent,
  targets: { forward: boolean; configDestinations: ConfigDestinations },
  at: string,
  onlyIfWrittenNow = false,
): D1PreparedStatement[] {
  const status = event.type.slice("invoice.".length);
  const which = onlyIfWrittenNow ? 1 : 0;
  return [
    db.prepare(INSERT_EVENT[which]).bind(event.id, invoiceId, event.type, event.payload, at, status),
    ...(targets.forward
      ? [
          ...syncConfigStatements(db, targets.configDestinations, at),
          db.prepare(INSERT_DELIVERIES[which]).bind(event.id, invoiceId, at, configJson(targets.configDestinations)),
        ]
      : []),
  ];
}

/** The ids of the deliveries that eventStatements created: its last result, when it forwarded. */
export const createdDeliveryIds = (results: D1Result<Record<string, unknown>>[], forwarded: boolean): string[] =>
  forwarded ? (results[results.length - 1]?.results ?? []).map((row) => String(row.id)) : [];

/** The trigger's message: the invoice is another project's. */
export const PROJECT_CONFLICT = "project_conflict";

/** One postback is one D1 batch (one transaction, one round trip); the invoice's project decides by constraint. */
export async function recordPostback(db: D1Database, entry: LedgerEntry, now: Date): Promise<LedgerResult | typeof PROJECT_CONFLICT> {
  try {
    return await writePostback(db, entry, now);
  } catch (e) {
    if (e instanceof Error && e.message.includes(PROJECT_CONFLICT)) return PROJECT_CONFLICT;
    throw e;
  }
}

async function writePostback(db: D1Database, entry: LedgerEntry, now: Date): Promise<LedgerResult> {
  const at = now.toISOString();
  const statements = [
    db
      .prepare(UPSERT_INVOICE)
      .bind(
        entry.invoiceId,
        entry.status,
        entry.statusRank,
        entry.amountCrypto,
        entry.currency,
        entry.orderId,
        entry.testMode,
        entry.detailJson,
        at,
        entry.notForwarded,
        entry.project,
      ),
    db
      .prepare(INSERT_RECEIPT)
      .bind(
        entry.invoiceId,
        at,
        entry.receipt.contentType,
        entry.receipt.apiVersion,
        entry.receipt.assertedStatus,
        entry.amountCrypto,
        entry.currency,
        entry.orderId,
        entry.testMode,
        entry.receipt.requestId,
      ),
  ];
  if (entry.confirm) statements.push(db.prepare(ARM_CONFIRMATION).bind(entry.invoiceId, at));
  const eventIndex = statements.length;
  if (entry.event) statements.push(...eventStatements(db, entry.invoiceId, entry.event, entry, at));
  const results = await db.batch<Record<string, unknown>>(statements);
  const invoice = results[0]?.results[0] as InvoiceRow | undefined;
  if (!invoice) throw new Error("invoice upsert returned no row");
  const deliveryIds = createdDeliveryIds(results, entry.event !== null && entry.forward);
  const eventCreated = entry.event !== null && (results[eventIndex]?.meta.changes ?? 0) > 0;
  return { invoice, deliveryIds, changed: invoice.postback_count === 1 || eventCreated };
}
