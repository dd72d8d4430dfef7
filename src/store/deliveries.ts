import { type Cursor, encodeCursor } from "../domain/cursor";
import type { DeliveryState } from "../domain/delivery-state";
import type { ConfigDestinations } from "../domain/plan";
import type { ApiAttempt } from "../domain/wire";
import { backfillStatement, configJson, configuredHere, FILTER_MATCHES } from "./destinations";

export type { DeliveryState } from "../domain/delivery-state";

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
  destination_id: string | null; // the destination (dst_…); null only on rows from before destinations were stored
  held_since: string | null; // waiting for its destination's circuit or resume: not attempted, no retry used
  created_at: string;
  updated_at: string;
  project: string; // the invoice's project (slug)
}

/** The columns the API shows: everything but the lease token, which only fences writes. */
const COLUMNS = `d.id, d.event_id, d.invoice_id, d.destination, d.state, d.round, d.attempt_count, d.next_attempt_at, d.lease_until,
  d.last_error, d.pending_since, d.enqueue_failed_at, d.created_at, d.updated_at, d.destination_id, d.held_since,
  (SELECT project FROM invoices WHERE invoice_id = d.invoice_id) AS project`;

/** Test-mode invoices stay unforwarded under REJECT_TEST_MODE, on every path that creates a delivery. */
const FORWARDABLE = "NOT (?5 = 1 AND coalesce(i.test_mode, 0) = 1)";

const RESET = `state = 'pending', round = round + 1, attempt_count = 0, probes = 0, held_since = NULL, next_attempt_at = ?4,
  pending_since = ?4, lease_until = NULL, lease_token = NULL, last_error = NULL, updated_at = ?4`;

/**
 * A fresh round of the invoice's current event to every destination that exists and matches now, with
 * the same webhook-id: its own deliveries start again, destinations added since get one of their own.
 * `sync` (FORWARD_URL's destinations) runs first, in the same batch.
 */
export async function redeliverInvoice(
  db: D1Database,
  invoiceId: string,
  sync: D1PreparedStatement[],
  config: ConfigDestinations,
  rejectTestMode: boolean,
  now: Date,
  audit: D1PreparedStatement,
): Promise<string[]> {
  const at = now.toISOString();
  const current = `events e JOIN invoices i ON i.invoice_id = e.invoice_id JOIN destinations ds ON ds.removed_at IS NULL AND ${configuredHere("?3")}
    WHERE e.invoice_id = ?2 AND e.type = 'invoice.' || i.status AND ${FORWARDABLE} AND ${FILTER_MATCHES}`;
  const results = await db.batch<{ id: string }>([
    ...sync,
    db
      .prepare(
        `UPDATE deliveries SET ${RESET} WHERE id IN (SELECT d.id FROM deliveries d JOIN ${current} AND d.event_id = e.id AND d.destination_id = ds.id)
         RETURNING id`,
      )
      .bind(null, invoiceId, configJson(config), at, rejectTestMode ? 1 : 0),
    db
      .prepare(
        `INSERT INTO deliveries (id, event_id, invoice_id, destination, destination_id, state, next_attempt_at, pending_since, created_at, updated_at)
         SELECT 'dlv_' || lower(hex(randomblob(16))), e.id, ?2, ds.url, ds.id, 'pending', ?4, ?4, ?4, ?4 FROM ${current}
         ON CONFLICT DO NOTHING RETURNING id`,
      )
      .bind(null, invoiceId, configJson(config), at, rejectTestMode ? 1 : 0),
    audit,
  ]);
  return results.flatMap((r) => (r.results ?? []).map((row) => row.id)).filter((id): id is string => typeof id === "string");
}

/** How many deliveries one bulk redeliver moves; the answer says whether more remain. */
export const BULK_REDELIVER_MAX = 500;

/**
 * Bulk replay after an outage: deliveries in `state` that reached it since `since`, oldest first,
 * bounded, and only to destinations that exist now. Those whose destination was removed (deleted, or
 * taken out of FORWARD_URL) become `canceled` instead: visible, counted, redeliverable should it come
 * back. `audit` runs right after the move, so it can count what moved (`changes()`).
 */
export async function redeliverByState(
  db: D1Database,
  state: DeliveryState,
  since: string,
  rejectTestMode: boolean,
  now: Date,
  audit: D1PreparedStatement,
  config: ConfigDestinations,
): Promise<{ ids: string[]; canceled: number; more: boolean }> {
  const at = now.toISOString();
  const live = `EXISTS (SELECT 1 FROM destinations ds WHERE ds.id = d.destination_id AND ds.removed_at IS NULL AND ${configuredHere("?6")})`;
  const json = configJson(config);
  const matching = `FROM deliveries d JOIN invoices i ON i.invoice_id = d.invoice_id WHERE d.state = ?1 AND d.updated_at >= ?2 AND ${FORWARDABLE}`;
  const results = await db.batch<Record<string, unknown>>([
    backfillStatement(db, BULK_REDELIVER_MAX),
    db
      .prepare(
        `UPDATE deliveries SET state = 'canceled', last_error = 'destination_removed', updated_at = ?3
         WHERE id IN (SELECT d.id ${matching} AND ?1 <> 'canceled' AND NOT ${live} ORDER BY d.updated_at, d.id LIMIT ?4) RETURNING id`,
      )
      .bind(state, since, at, BULK_REDELIVER_MAX, rejectTestMode ? 1 : 0, json),
    db
      .prepare(
        `UPDATE deliveries SET ${RESET.replaceAll("?4", "?3")} WHERE id IN (SELECT d.id ${matching} AND ${live} ORDER BY d.updated_at, d.id LIMIT ?4) RETURNING id`,
      )
      .bind(state, since, at, BULK_REDELIVER_MAX, rejectTestMode ? 1 : 0, json),
    audit,
    db
      .prepare(`SELECT EXISTS (SELECT 1 ${matching} AND (${live} OR ?1 <> 'canceled')) AS more`)
      .bind(state, since, null, null, rejectTestMode ? 1 : 0, json),
  ]);
  const n = 0;
  const canceled = results[n + 1]?.results.length ?? 0;
  const moved = results[n + 2]?.results ?? [];
  return { ids: moved.map((r) => String(r.id)), canceled, more: results[n + 4]?.results[0]?.more === 1 };
}

/** A delivery_attempts row: the attempt the read API shows, always with its delivery. */
export type AttemptRow = ApiAttempt & { delivery_id: string };

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
