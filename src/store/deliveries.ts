import { type Cursor, encodeCursor } from "../domain/cursor";
import { newDeliveryId } from "./ledger";

export type DeliveryState = "pending" | "delivered" | "failed" | "exhausted";

export interface DeliveryRow {
  id: string;
  event_id: string;
  invoice_id: string;
  destination: string;
  state: DeliveryState;
  round: number;
  attempt_count: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  pending_since: string | null; // when it last entered pending (created or redelivered)
  enqueue_failed_at: string | null; // the queue send after the commit failed; the sweeper re-enqueues it
  created_at: string;
  updated_at: string;
  project: string; // the invoice's project (slug)
}

/** The columns the API shows: everything but the lease token, which only fences writes. */
const COLUMNS = `d.id, d.event_id, d.invoice_id, d.destination, d.state, d.round, d.attempt_count, d.next_attempt_at, d.lease_until,
  d.last_error, d.pending_since, d.enqueue_failed_at, d.created_at, d.updated_at,
  (SELECT project FROM invoices WHERE invoice_id = d.invoice_id) AS project`;

/** Test-mode invoices stay unforwarded under REJECT_TEST_MODE, on every path that creates a delivery. */
const FORWARDABLE = "NOT (?5 = 1 AND coalesce(i.test_mode, 0) = 1)";

/**
 * A fresh round of the invoice's current event to every destination, with the same webhook-id.
 * Destinations added to FORWARD_URL since the event get a delivery of their own.
 */
export async function redeliverInvoice(
  db: D1Database,
  invoiceId: string,
  destinations: readonly string[],
  rejectTestMode: boolean,
  now: Date,
  audit: D1PreparedStatement,
): Promise<string[]> {
  const at = now.toISOString();
  const results = await db.batch<{ id: string }>([
    ...destinations.map((destination) =>
      db
        .prepare(
          `INSERT INTO deliveries (id, event_id, invoice_id, destination, state, next_attempt_at, pending_since, created_at, updated_at)
           SELECT ?1, e.id, ?2, ?3, 'pending', ?4, ?4, ?4, ?4 FROM events e JOIN invoices i ON i.invoice_id = e.invoice_id
           WHERE e.invoice_id = ?2 AND e.type = 'invoice.' || i.status AND ${FORWARDABLE}
           ON CONFLICT (event_id, destination) DO UPDATE SET state = 'pending', round = round + 1, attempt_count = 0,
             next_attempt_at = ?4, pending_since = ?4, lease_until = NULL, lease_token = NULL, last_error = NULL, updated_at = ?4
           RETURNING id`,
        )
        .bind(newDeliveryId(), invoiceId, destination, at, rejectTestMode ? 1 : 0),
    ),
    audit,
  ]);
  return results.flatMap((r) => (r.results ?? []).map((row) => row.id)).filter((id): id is string => typeof id === "string");
}

/** How many deliveries one bulk redeliver moves; the answer says whether more remain. */
export const BULK_REDELIVER_MAX = 500;

/**
 * Bulk replay after an outage: deliveries in `state` that reached it since `since`, oldest first, bounded.
 * `audit` runs right after the move, so it can count what moved (`changes()`).
 */
export async function redeliverByState(
  db: D1Database,
  state: DeliveryState,
  since: string,
  rejectTestMode: boolean,
  now: Date,
  audit: D1PreparedStatement,
): Promise<{ ids: string[]; more: boolean }> {
  const matching = `FROM deliveries d JOIN invoices i ON i.invoice_id = d.invoice_id WHERE d.state = ?1 AND d.updated_at >= ?2 AND ${FORWARDABLE}`;
  const [moved, , rest] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `UPDATE deliveries SET state = 'pending', round = round + 1, attempt_count = 0, next_attempt_at = ?3, pending_since = ?3,
           lease_until = NULL, lease_token = NULL, last_error = NULL, updated_at = ?3
         WHERE id IN (SELECT d.id ${matching} ORDER BY d.updated_at, d.id LIMIT ?4) RETURNING id`,
      )
      .bind(state, since, now.toISOString(), BULK_REDELIVER_MAX, rejectTestMode ? 1 : 0),
    audit,
    db.prepare(`SELECT EXISTS (SELECT 1 ${matching}) AS more`).bind(state, since, null, null, rejectTestMode ? 1 : 0),
  ]);
  return { ids: (moved?.results ?? []).map((r) => String(r.id)), more: rest?.results[0]?.more === 1 };
}

export interface AttemptRow {
  delivery_id: string;
  round: number;
  attempt: number;
  started_at: string;
  status_code: number | null;
  error_class: string | null;
  latency_ms: number;
  response_body: string | null;
}

export async function deliveriesOfInvoice(
  db: D1Database,
  invoiceId: string,
): Promise<{ deliveries: DeliveryRow[]; attempts: AttemptRow[] }> {
  const [d, a] = await db.batch<Record<string, unknown>>([
    db.prepare(`SELECT ${COLUMNS} FROM deliveries d WHERE d.invoice_id = ?1 ORDER BY d.created_at, d.id`).bind(invoiceId),
    db
      .prepare(
        `SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE d.invoice_id = ?1 ORDER BY a.delivery_id, a.round, a.attempt`,
      )
      .bind(invoiceId),
  ]);
  return { deliveries: (d?.results ?? []) as unknown as DeliveryRow[], attempts: (a?.results ?? []) as unknown as AttemptRow[] };
}

/** One delivery with its attempts, or null. */
export async function getDelivery(db: D1Database, id: string): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] } | null> {
  const [d, a] = await db.batch<Record<string, unknown>>([
    db.prepare(`SELECT ${COLUMNS} FROM deliveries d WHERE d.id = ?1`).bind(id),
    db.prepare("SELECT * FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY round, attempt").bind(id),
  ]);
  const delivery = d?.results[0] as DeliveryRow | undefined;
  return delivery ? { delivery, attempts: (a?.results ?? []) as unknown as AttemptRow[] } : null;
}

export async function listDeliveries(
  db: D1Database,
  query: { state: DeliveryState | null; limit: number; cursor: Cursor | null; project?: string | null },
): Promise<{ rows: DeliveryRow[]; next: string | null }> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM deliveries d WHERE (?1 IS NULL OR d.state = ?1)
         AND (?2 IS NULL OR (d.created_at, d.id) < (?2, ?3))
         AND (?5 IS NULL OR d.invoice_id IN (SELECT invoice_id FROM invoices WHERE project = ?5))
       ORDER BY d.created_at DESC, d.id DESC LIMIT ?4`,
    )
    .bind(query.state, query.cursor?.at ?? null, query.cursor?.id ?? null, query.limit + 1, query.project ?? null)
    .all<DeliveryRow>();
  const rows = results.slice(0, query.limit);
  const last = rows[rows.length - 1];
  return { rows, next: results.length > query.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
}
