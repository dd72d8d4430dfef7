import type { CircuitSettings } from "../domain/circuit";
import type { DeliveryUpdate, OutcomeSignal } from "../domain/delivery-outcome";
import { type Condition, signalStatement } from "./alerts-signal";
import { type CircuitWrite, circuitStatement } from "./circuit";
import type { LeasedDelivery } from "./lease";

// One attempt's outcome as statements: what to write was decided by domain/delivery-outcome.ts's
// attemptOutcome and domain/circuit.ts's circuitAfter; this file only binds it, behind the fences.

export interface AttemptRecord {
  startedAt: Date;
  statusCode: number | null;
  errorClass: string | null;
  latencyMs: number;
  responseBody: string | null;
}

/** Holds only while the delivery is still in the state this lease wrote: statements after the outcome check it. */
const fence = (d: LeasedDelivery["delivery"], update: DeliveryUpdate): Condition => ({
  sql: `EXISTS (SELECT 1 FROM deliveries WHERE id = ? AND lease_token = ? AND state = ? AND (held_since IS NOT NULL) = ?)`,
  params: [d.id, d.lease_token, update.state, update.hold ? 1 : 0],
});

/**
 * Stores the attempt and the delivery's next state in one batch, releasing the lease. The outcome is
 * fenced on (round, attempt, lease token): a consumer whose lease expired, or whose round was
 * replaced by a redeliver, writes its attempt to the log but cannot overwrite a newer outcome. The
 * circuit and the alert signals ride in the same batch, behind the same fence. `closed` says this
 * attempt closed the circuit (the caller releases the held deliveries); `opened` that it opened it.
 */
export async function recordAttempt(
  db: D1Database,
  leased: LeasedDelivery,
  attempt: AttemptRecord,
  outcome: { update: DeliveryUpdate; signals: OutcomeSignal[] },
  circuit: CircuitWrite,
  settings: CircuitSettings,
  now: Date,
): Promise<{ applied: boolean; opened: boolean; closed: boolean }> {
  const d = leased.delivery;
  const { update } = outcome;
  const at = now.toISOString();
  const when = fence(d, update);
  const { statement, signalWhen } = circuitStatement(db, circuit, settings, now, when);
  const byGuard = (guard: OutcomeSignal["guard"]) => outcome.signals.filter((s) => s.guard === guard);
  const results = await db.batch<Record<string, unknown>>([
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
        `UPDATE deliveries SET state = ?2, next_attempt_at = ?3, lease_until = NULL, last_error = ?4, updated_at = ?5,
           held_since = iif(?9, coalesce(held_since, ?5), NULL), probes = probes + ?10
         WHERE id = ?1 AND round = ?6 AND attempt_count = ?7 AND lease_token = ?8 AND state = 'pending'`,
      )
      .bind(
        d.id,
        update.state,
        update.nextAttemptAt,
        update.lastError,
        at,
        d.round,
        d.attempt_count,
        d.lease_token,
        update.hold ? 1 : 0,
        update.probe ? 1 : 0,
      ),
    ...byGuard("delivery").map((s) => signalStatement(db, s, now, when)),
    statement,
    // Right after the circuit's statement: `changes()` in its condition refers to it.
    ...byGuard("circuit").map((s) => signalStatement(db, s, now, signalWhen)),
  ]);
  const applied = (results[1]?.meta.changes ?? 0) > 0;
  const circuitRows = results[2 + byGuard("delivery").length]?.results ?? [];
  return {
    applied,
    // Decided by the statement, not by the (possibly stale) read: concurrent failures all count.
    opened: applied && circuitRows[0]?.opened === "opened",
    closed: applied && circuitRows.length > 0 && circuit.transition.kind === "closed",
  };
}

/**
 * The dead-letter queue's verdict: whatever reached it will not be retried by the queue. The alert
 * signal is written in the same batch, only if this call moved the delivery (changes() of the UPDATE).
 */
export async function markExhausted(db: D1Database, id: string, now: Date): Promise<void> {
  const row = await db
    .prepare(
      `SELECT d.id, d.invoice_id, i.order_id, d.event_id, d.destination, d.destination_id, d.attempt_count, d.last_error
       FROM deliveries d JOIN invoices i ON i.invoice_id = d.invoice_id WHERE d.id = ?1 AND d.state = 'pending'`,
    )
    .bind(id)
    .first<Record<string, unknown>>();
  if (!row) return;
  const { attempt_count, last_error, id: _, ...facts } = row;
  await db.batch([
    db
      .prepare(
        `UPDATE deliveries SET state = 'exhausted', lease_until = NULL, last_error = coalesce(last_error, 'dead_letter'), updated_at = ?2
         WHERE id = ?1 AND state = 'pending'`,
      )
      .bind(id, now.toISOString()),
    signalStatement(
      db,
      { kind: "delivery.exhausted", subject: id, data: { ...facts, last_error: last_error ?? "dead_letter", attempts: attempt_count } },
      now,
      { sql: "changes() > 0", params: [] },
    ),
  ]);
}
