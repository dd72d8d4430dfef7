import type { Decision } from "../delivery/policy";
import { type Cursor, encodeCursor } from "./cursor";
import { newDeliveryId } from "./ledger";
import { claimStatement } from "./outbox";

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
  created_at: string;
  updated_at: string;
}

export interface Claimed {
  delivery: DeliveryRow;
  payload: string;
}

/** Takes the delivery for one attempt, with its event's body; null when it is not ours to send. */
export async function claimDelivery(db: D1Database, id: string, now: Date, leaseMs: number): Promise<Claimed | null> {
  const [claim, event] = await db.batch<Record<string, unknown>>([
    claimStatement(db, "deliveries", id, now, leaseMs),
    db.prepare("SELECT e.payload FROM events e JOIN deliveries d ON d.event_id = e.id WHERE d.id = ?1").bind(id),
  ]);
  const delivery = claim?.results[0] as DeliveryRow | undefined;
  const payload = event?.results[0]?.payload;
  return delivery && typeof payload === "string" ? { delivery, payload } : null;
}

export interface AttemptRecord {
  startedAt: Date;
  statusCode: number | null;
  errorClass: string | null;
  latencyMs: number;
  responseBody: string | null;
}

/** Stores the attempt and the delivery's next state in one batch, releasing the lease. */
export async function recordAttempt(db: D1Database, d: DeliveryRow, a: AttemptRecord, decision: Decision, now: Date): Promise<void> {
  const at = now.toISOString();
  const state: DeliveryState = decision.next === "retry" ? "pending" : decision.next;
  const nextAt = decision.next === "retry" ? new Date(now.getTime() + decision.delaySeconds * 1000).toISOString() : at;
  const lastError = decision.next === "delivered" ? null : decision.next === "failed" ? decision.reason : decision.errorClass;
  await db.batch([
    db
      .prepare(
        `INSERT INTO delivery_attempts (delivery_id, round, attempt, started_at, status_code, error_class, latency_ms, response_body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING`,
      )
      .bind(d.id, d.round, d.attempt_count, a.startedAt.toISOString(), a.statusCode, a.errorClass, a.latencyMs, a.responseBody),
    db
      .prepare(
        `UPDATE deliveries SET state = ?2, next_attempt_at = ?3, lease_until = NULL, last_error = ?4, updated_at = ?5
         WHERE id = ?1 AND round = ?6`,
      )
      .bind(d.id, state, nextAt, lastError, at, d.round),
  ]);
}

/** The dead-letter queue's verdict: whatever reached it will not be retried by the queue. */
export async function markExhausted(db: D1Database, id: string, now: Date): Promise<void> {
  await db
    .prepare(
      "UPDATE deliveries SET state = 'exhausted', lease_until = NULL, last_error = coalesce(last_error, 'dead_letter'), updated_at = ?2 WHERE id = ?1 AND state = 'pending'",
    )
    .bind(id, now.toISOString())
    .run();
}

/**
 * A fresh round of the invoice's current event to every destination, with the same webhook-id.
 * Destinations added to FORWARD_URL since the event get a delivery of their own.
 */
export async function redeliverInvoice(db: D1Database, invoiceId: string, destinations: string[], now: Date): Promise<string[]> {
  const at = now.toISOString();
  const results = await db.batch<{ id: string }>(
    destinations.map((destination) =>
      db
        .prepare(
          `INSERT INTO deliveries (id, event_id, invoice_id, destination, state, next_attempt_at, created_at, updated_at)
           SELECT ?1, e.id, ?2, ?3, 'pending', ?4, ?4, ?4 FROM events e JOIN invoices i ON i.invoice_id = e.invoice_id
           WHERE e.invoice_id = ?2 AND e.type = 'invoice.' || i.status
           ON CONFLICT (event_id, destination) DO UPDATE SET state = 'pending', round = round + 1, attempt_count = 0,
             next_attempt_at = ?4, lease_until = NULL, last_error = NULL, updated_at = ?4
           RETURNING id`,
        )
        .bind(newDeliveryId(), invoiceId, destination, at),
    ),
  );
  return results.flatMap((r) => r.results.map((row) => row.id));
}

/** Bulk replay after an outage: every delivery in `state` that reached it since `since`. */
export async function redeliverByState(db: D1Database, state: DeliveryState, since: string, now: Date): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET state = 'pending', round = round + 1, attempt_count = 0, next_attempt_at = ?3,
         lease_until = NULL, last_error = NULL, updated_at = ?3
       WHERE state = ?1 AND updated_at >= ?2 RETURNING id`,
    )
    .bind(state, since, now.toISOString())
    .all<{ id: string }>();
  return results.map((r) => r.id);
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
    db.prepare("SELECT * FROM deliveries WHERE invoice_id = ?1 ORDER BY created_at, id").bind(invoiceId),
    db
      .prepare(
        `SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE d.invoice_id = ?1 ORDER BY a.delivery_id, a.round, a.attempt`,
      )
      .bind(invoiceId),
  ]);
  return { deliveries: (d?.results ?? []) as unknown as DeliveryRow[], attempts: (a?.results ?? []) as unknown as AttemptRow[] };
}

export async function listDeliveries(
  db: D1Database,
  q: { state: DeliveryState | null; limit: number; cursor: Cursor | null },
): Promise<{ rows: DeliveryRow[]; next: string | null }> {
  const { results } = await db
    .prepare(
      `SELECT * FROM deliveries WHERE (?1 IS NULL OR state = ?1)
         AND (?2 IS NULL OR (created_at, id) < (?2, ?3))
       ORDER BY created_at DESC, id DESC LIMIT ?4`,
    )
    .bind(q.state, q.cursor?.at ?? null, q.cursor?.id ?? null, q.limit + 1)
    .all<DeliveryRow>();
  const rows = results.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return { rows, next: results.length > q.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
}
