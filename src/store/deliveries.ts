import { FAILING_AFTER } from "../domain/alert";
import { type Cursor, encodeCursor } from "../domain/cursor";
import type { Decision } from "../domain/retry";
import { type Condition, signalStatement } from "./alerts-signal";
import { newDeliveryId } from "./ledger";
import { leaseStatement } from "./outbox";

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
}

export interface LeasedDelivery {
  delivery: DeliveryRow & { lease_token: string };
  payload: string;
  orderId: string | null; // for the alert, should this attempt be the last
}

/** The columns the API shows: everything but the lease token, which only fences writes. */
const COLUMNS = `d.id, d.event_id, d.invoice_id, d.destination, d.state, d.round, d.attempt_count, d.next_attempt_at, d.lease_until,
  d.last_error, d.pending_since, d.enqueue_failed_at, d.created_at, d.updated_at`;

/** Takes the delivery for one attempt, with its event's body; null when it is not ours to send. */
export async function leaseDelivery(db: D1Database, id: string, now: Date, leaseMs: number): Promise<LeasedDelivery | null> {
  const [lease, event] = await db.batch<Record<string, unknown>>([
    leaseStatement(db, "deliveries", id, now, leaseMs),
    db
      .prepare(
        `SELECT e.payload, i.order_id FROM events e JOIN deliveries d ON d.event_id = e.id JOIN invoices i ON i.invoice_id = d.invoice_id
         WHERE d.id = ?1`,
      )
      .bind(id),
  ]);
  const delivery = lease?.results[0] as (DeliveryRow & { lease_token: string }) | undefined;
  const row = event?.results[0];
  return delivery && typeof row?.payload === "string"
    ? { delivery, payload: row.payload, orderId: (row.order_id as string | null) ?? null }
    : null;
}

export interface AttemptRecord {
  startedAt: Date;
  statusCode: number | null;
  errorClass: string | null;
  latencyMs: number;
  responseBody: string | null;
}

/** Holds only while the delivery is still in the state this lease wrote: statements after the outcome check it. */
const fence = (d: LeasedDelivery["delivery"], state: DeliveryState): Condition => ({
  sql: "EXISTS (SELECT 1 FROM deliveries WHERE id = ? AND lease_token = ? AND state = ?)",
  params: [d.id, d.lease_token, state],
});

/**
 * Stores the attempt and the delivery's next state in one batch, releasing the lease. The outcome is
 * fenced on (round, attempt, lease token): a consumer whose lease expired, or whose round was
 * replaced by a redeliver, writes its attempt to the log but cannot overwrite a newer outcome.
 * The destination's failure streak and the alert signals ride in the same batch, behind the same fence.
 */
export async function recordAttempt(
  db: D1Database,
  leased: LeasedDelivery,
  a: AttemptRecord,
  decision: Decision,
  now: Date,
): Promise<{ applied: boolean }> {
  const d = leased.delivery;
  const at = now.toISOString();
  const state: DeliveryState = decision.next === "retry" ? "pending" : decision.next;
  const nextAt = decision.next === "retry" ? new Date(now.getTime() + decision.delaySeconds * 1000).toISOString() : at;
  const lastError = decision.next === "delivered" ? null : decision.next === "failed" ? decision.reason : decision.errorClass;
  const when = fence(d, state);
  const facts = { invoice_id: d.invoice_id, order_id: leased.orderId, event_id: d.event_id, destination: d.destination };
  const streak = `(SELECT consecutive_failures FROM destination_health WHERE destination = ?)`;
  const health =
    decision.next === "delivered"
      ? [
          signalStatement(db, { kind: "destination.recovered", subject: d.destination, data: facts }, now, {
            sql: `${when.sql} AND ${streak} >= ?`,
            params: [...when.params, d.destination, FAILING_AFTER],
          }),
          db
            .prepare(`UPDATE destination_health SET consecutive_failures = 0, updated_at = ? WHERE destination = ? AND ${when.sql}`)
            .bind(at, d.destination, ...when.params),
        ]
      : [
          db
            .prepare(
              `INSERT INTO destination_health (destination, consecutive_failures, updated_at) SELECT ?, 1, ? WHERE ${when.sql}
               ON CONFLICT (destination) DO UPDATE SET consecutive_failures = consecutive_failures + 1, updated_at = excluded.updated_at`,
            )
            .bind(d.destination, at, ...when.params),
          signalStatement(
            db,
            {
              kind: "destination.failing",
              subject: d.destination,
              data: { ...facts, consecutive_failures: FAILING_AFTER, last_error: lastError },
            },
            now,
            { sql: `${when.sql} AND ${streak} = ?`, params: [...when.params, d.destination, FAILING_AFTER] },
          ),
        ];
  const terminal =
    decision.next === "exhausted"
      ? [
          signalStatement(
            db,
            { kind: "delivery.exhausted", subject: d.id, data: { ...facts, last_error: lastError, attempts: d.attempt_count } },
            now,
            when,
          ),
        ]
      : decision.next === "failed"
        ? [signalStatement(db, { kind: "destination.gone", subject: d.destination, data: facts }, now, when)]
        : [];
  const results = await db.batch([
    db
      .prepare(
        `INSERT INTO delivery_attempts (delivery_id, round, attempt, started_at, status_code, error_class, latency_ms, response_body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING`,
      )
      .bind(d.id, d.round, d.attempt_count, a.startedAt.toISOString(), a.statusCode, a.errorClass, a.latencyMs, a.responseBody),
    db
      .prepare(
        `UPDATE deliveries SET state = ?2, next_attempt_at = ?3, lease_until = NULL, last_error = ?4, updated_at = ?5
         WHERE id = ?1 AND round = ?6 AND attempt_count = ?7 AND lease_token = ?8 AND state = 'pending'`,
      )
      .bind(d.id, state, nextAt, lastError, at, d.round, d.attempt_count, d.lease_token),
    ...health,
    ...terminal,
  ]);
  return { applied: (results[1]?.meta.changes ?? 0) > 0 };
}

/**
 * The dead-letter queue's verdict: whatever reached it will not be retried by the queue. The alert
 * signal is written in the same batch, only if this call moved the delivery (changes() of the UPDATE).
 */
export async function markExhausted(db: D1Database, id: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.batch([
    db
      .prepare(
        `UPDATE deliveries SET state = 'exhausted', lease_until = NULL, last_error = coalesce(last_error, 'dead_letter'), updated_at = ?2
         WHERE id = ?1 AND state = 'pending'`,
      )
      .bind(id, at),
    db
      .prepare(
        `INSERT INTO alert_signals (kind, subject, data_json, created_at)
         SELECT 'delivery.exhausted', d.id, json_object('invoice_id', d.invoice_id, 'order_id', i.order_id, 'event_id', d.event_id,
           'destination', d.destination, 'last_error', d.last_error, 'attempts', d.attempt_count), ?2
         FROM deliveries d JOIN invoices i ON i.invoice_id = d.invoice_id WHERE d.id = ?1 AND changes() > 0`,
      )
      .bind(id, at),
  ]);
}

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
): Promise<string[]> {
  const at = now.toISOString();
  const results = await db.batch<{ id: string }>(
    destinations.map((destination) =>
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
  );
  return results.flatMap((r) => r.results.map((row) => row.id));
}

/** How many deliveries one bulk redeliver moves; the answer says whether more remain. */
export const BULK_REDELIVER_MAX = 500;

/** Bulk replay after an outage: deliveries in `state` that reached it since `since`, oldest first, bounded. */
export async function redeliverByState(
  db: D1Database,
  state: DeliveryState,
  since: string,
  rejectTestMode: boolean,
  now: Date,
): Promise<{ ids: string[]; more: boolean }> {
  const matching = `FROM deliveries d JOIN invoices i ON i.invoice_id = d.invoice_id WHERE d.state = ?1 AND d.updated_at >= ?2 AND ${FORWARDABLE}`;
  const [moved, rest] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `UPDATE deliveries SET state = 'pending', round = round + 1, attempt_count = 0, next_attempt_at = ?3, pending_since = ?3,
           lease_until = NULL, lease_token = NULL, last_error = NULL, updated_at = ?3
         WHERE id IN (SELECT d.id ${matching} ORDER BY d.updated_at, d.id LIMIT ?4) RETURNING id`,
      )
      .bind(state, since, now.toISOString(), BULK_REDELIVER_MAX, rejectTestMode ? 1 : 0),
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
  q: { state: DeliveryState | null; limit: number; cursor: Cursor | null },
): Promise<{ rows: DeliveryRow[]; next: string | null }> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM deliveries d WHERE (?1 IS NULL OR d.state = ?1)
         AND (?2 IS NULL OR (d.created_at, d.id) < (?2, ?3))
       ORDER BY d.created_at DESC, d.id DESC LIMIT ?4`,
    )
    .bind(q.state, q.cursor?.at ?? null, q.cursor?.id ?? null, q.limit + 1)
    .all<DeliveryRow>();
  const rows = results.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return { rows, next: results.length > q.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
}
