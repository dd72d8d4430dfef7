import { FAILING_AFTER } from "../domain/alert";
import type { Decision } from "../domain/retry";
import { type Condition, signalStatement } from "./alerts-signal";
import type { DeliveryRow, DeliveryState } from "./deliveries";
import { leaseStatement } from "./outbox";

// One attempt of one delivery: the lease, the fenced outcome (with the destination's failure streak
// and the alert signals behind the same fence), and the dead-letter queue's verdict.

export interface LeasedDelivery {
  delivery: DeliveryRow & { lease_token: string };
  payload: string;
  orderId: string | null; // for the alert, should this attempt be the last
}

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
  attempt: AttemptRecord,
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
      .bind(
        d.id,
        d.round,
        d.attempt_count,
        attempt.startedAt.toISOString(),
        attempt.statusCode,
        attempt.errorClass,
        attempt.latencyMs,
        attempt.responseBody,
      ),
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
