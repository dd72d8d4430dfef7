import type { CircuitSettings, Transition } from "../domain/circuit";
import { type Condition, signalStatement } from "./alerts-signal";

/** What the attempt was, for the destination's row. */
export interface CircuitWrite {
  destinationId: string;
  generation: number; // as read when the attempt was leased
  probe: boolean;
  reach: "reachable" | "unreachable";
  failed: boolean; // any answer but 2xx: the destination's last_failure_at / last_error
  error: string | null;
  transition: Transition;
}

/**
 * The destination's circuit after one attempt, behind the attempt's own fence (`when`). Counting
 * failures on a closed circuit is one atomic statement (concurrent attempts all count; only the one
 * that reaches CIRCUIT_FAILURES opens it). Closing, re-probing and disabling are fenced on the
 * generation read: of two consumers that saw the same probe result, one changes the circuit.
 * `signalWhen` is the condition the alert signals ride on; the counting statement returns `opened` when
 * it was this attempt that opened the circuit.
 */
export function circuitStatement(
  db: D1Database,
  w: CircuitWrite,
  s: CircuitSettings,
  now: Date,
  when: Condition,
): { statement: D1PreparedStatement; signalWhen: Condition } {
  const at = now.toISOString();
  const t = w.transition;
  const seen = `last_success_at = iif(?3, last_success_at, ?2), last_failure_at = iif(?3, ?2, last_failure_at),
    last_error = iif(?3, ?4, last_error), updated_at = ?2`;
  const base = [w.destinationId, at, w.failed ? 1 : 0, w.error];
  if (t.kind === "closed") {
    return {
      statement: db
        .prepare(
          `UPDATE destinations SET circuit_state = 'closed', circuit_generation = circuit_generation + 1, consecutive_failures = 0,
             opened_at = NULL, next_probe_at = NULL, probe_token = NULL, ${seen}
           WHERE id = ?1 AND circuit_generation = ?5 AND circuit_state <> 'closed' AND ${when.sql} RETURNING id`,
        )
        .bind(...base, w.generation, ...when.params),
      signalWhen: { sql: "changes() > 0", params: [] },
    };
  }
  if (w.probe && (t.kind === "reprobe" || t.kind === "disabled")) {
    const disable = t.kind === "disabled";
    return {
      statement: db
        .prepare(
          `UPDATE destinations SET circuit_state = 'open', consecutive_failures = consecutive_failures + 1,
             state = iif(?6, 'disabled', state), circuit_generation = circuit_generation + iif(?6, 1, 0),
             next_probe_at = iif(?6, NULL, next_probe_at), ${seen}
           WHERE id = ?1 AND circuit_generation = ?5 AND ${when.sql} RETURNING id`,
        )
        .bind(...base, w.generation, disable ? 1 : 0, ...when.params),
      signalWhen: { sql: "changes() > 0", params: [] },
    };
  }
  // A closed circuit counts (or resets) atomically; an attempt already in flight when it opened only counts.
  // The opener leaves its own token on the row, so that only its signal (and its probe ticker) follow.
  const fail = w.reach === "unreachable" ? 1 : 0;
  const opens = `?5 = 1 AND circuit_state = 'closed' AND consecutive_failures + 1 >= ?6`;
  const token = crypto.randomUUID();
  return {
    statement: db
      .prepare(
        `UPDATE destinations SET
           circuit_generation = circuit_generation + iif(${opens}, 1, 0),
           opened_at = iif(${opens}, ?2, opened_at),
           next_probe_at = iif(${opens}, ?7, next_probe_at),
           probe_token = iif(${opens}, ?8, probe_token),
           circuit_state = iif(${opens}, 'open', circuit_state),
           consecutive_failures = iif(?5 = 1, consecutive_failures + 1, 0), ${seen}
         WHERE id = ?1 AND ${when.sql} RETURNING iif(circuit_state = 'open' AND probe_token = ?8, 'opened', NULL) AS opened`,
      )
      .bind(...base, fail, s.failures, new Date(now.getTime() + s.probeSeconds * 1000).toISOString(), token, ...when.params),
    signalWhen: {
      sql: "EXISTS (SELECT 1 FROM destinations WHERE id = ? AND circuit_state = 'open' AND probe_token = ?)",
      params: [w.destinationId, token],
    },
  };
}

/** How many held deliveries one release call moves to the queue. */
export const RELEASE_BATCH = 100;

/**
 * Releases a sendable destination's held deliveries, oldest first, `limit` at most: each row is
 * un-held by exactly one caller (the UPDATE … RETURNING claims it), so two releasers never send one
 * twice. The caller enqueues the ids; a lost send is the sweeper's (they are due now and not held).
 */
export async function releaseHeld(db: D1Database, destinationId: string, now: Date, limit = RELEASE_BATCH): Promise<string[]> {
  const at = now.toISOString();
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET held_since = NULL, next_attempt_at = ?2, updated_at = ?2
       WHERE id IN (SELECT id FROM deliveries WHERE destination_id = ?1 AND state = 'pending' AND held_since IS NOT NULL
           AND (lease_until IS NULL OR lease_until < ?2) ORDER BY created_at, id LIMIT ?3)
         AND EXISTS (SELECT 1 FROM destinations WHERE id = ?1 AND state = 'active' AND circuit_state = 'closed' AND removed_at IS NULL)
       RETURNING id`,
    )
    .bind(destinationId, at, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Destinations with held deliveries that could go now (closed and active): an unfinished release. */
export async function releasable(db: D1Database, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT ds.id FROM destinations ds WHERE ds.state = 'active' AND ds.circuit_state = 'closed' AND ds.removed_at IS NULL
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination_id = ds.id AND d.state = 'pending' AND d.held_since IS NOT NULL)
       LIMIT ?1`,
    )
    .bind(limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Open circuits whose probe is overdue by more than `graceMs`: their probe message was lost. */
export async function overdueProbes(db: D1Database, now: Date, graceMs: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM destinations WHERE circuit_state <> 'closed' AND state = 'active' AND removed_at IS NULL
         AND next_probe_at < ?1 LIMIT ?2`,
    )
    .bind(new Date(now.getTime() - graceMs).toISOString(), limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Circuits open longer than DISABLE_AFTER_HOURS disable their destination (fenced on the generation,
 * with its alert signal in the same statement pair): its deliveries stay held until an operator resumes it.
 */
export async function disableLongOpen(db: D1Database, now: Date, hours: number, limit: number): Promise<string[]> {
  const at = now.toISOString();
  const { results } = await db
    .prepare(
      `SELECT id, url, circuit_generation, opened_at FROM destinations WHERE circuit_state <> 'closed' AND state = 'active'
         AND removed_at IS NULL AND opened_at <= ?1 LIMIT ?2`,
    )
    .bind(new Date(now.getTime() - hours * 3_600_000).toISOString(), limit)
    .all<{ id: string; url: string; circuit_generation: number; opened_at: string }>();
  const disabled: string[] = [];
  for (const d of results) {
    const [moved] = await db.batch([
      db
        .prepare(
          `UPDATE destinations SET state = 'disabled', circuit_generation = circuit_generation + 1, next_probe_at = NULL, updated_at = ?2
           WHERE id = ?1 AND circuit_generation = ?3 AND state = 'active'`,
        )
        .bind(d.id, at, d.circuit_generation),
      signalStatement(
        db,
        { kind: "destination.disabled", subject: d.id, data: { destination: d.url, destination_id: d.id, opened_at: d.opened_at } },
        now,
        { sql: "changes() > 0", params: [] },
      ),
    ]);
    if ((moved?.meta.changes ?? 0) > 0) disabled.push(d.id);
  }
  return disabled;
}

/** Held deliveries of destinations removed over REMOVAL_GRACE_MS ago become `canceled` (bounded). */
export async function cancelRemoved(db: D1Database, now: Date, graceMs: number, limit: number): Promise<number> {
  const at = now.toISOString();
  const { meta } = await db
    .prepare(
      `UPDATE deliveries SET state = 'canceled', held_since = NULL, last_error = 'destination_removed', updated_at = ?1
       WHERE id IN (SELECT d.id FROM deliveries d JOIN destinations ds ON ds.id = d.destination_id
           WHERE d.state = 'pending' AND d.held_since IS NOT NULL AND ds.removed_at < ?2 LIMIT ?3)`,
    )
    .bind(at, new Date(now.getTime() - graceMs).toISOString(), limit)
    .run();
  return meta.changes ?? 0;
}
