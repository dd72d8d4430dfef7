import type { AlertKind } from "../domain/alert";
import { leaseStatement } from "./lease";

export interface SignalRow {
  id: number;
  kind: AlertKind;
  subject: string;
  data_json: string;
  created_at: string;
}

export interface AlertRow {
  id: string;
  kind: AlertKind;
  subject: string;
  destination: string;
  data_json: string;
  suppressed: number;
  state: "pending" | "sent" | "failed";
  attempt_count: number;
  lease_token: string | null;
  last_error: string | null;
}

export async function pendingSignals(db: D1Database, limit: number): Promise<SignalRow[]> {
  const { results } = await db.prepare("SELECT * FROM alert_signals ORDER BY id LIMIT ?1").bind(limit).all<SignalRow>();
  return results;
}

/**
 * Turns one signal into alerts, in one batch, only while the signal still exists (so two isolates
 * cannot both process it): the cooldown row either opens a new window (this signal's `window_id`,
 * carrying the count it held back) or counts one more; only the signal that opened the window
 * creates one alert per destination. Returns the new alerts' ids.
 */
export async function processSignal(
  db: D1Database,
  signal: SignalRow,
  destinations: readonly string[],
  cooldownMs: number,
  now: Date,
): Promise<string[]> {
  const at = now.toISOString();
  const windowId = crypto.randomUUID();
  const exists = "EXISTS (SELECT 1 FROM alert_signals WHERE id = ?6)";
  const results = await db.batch<{ id: string }>([
    db
      .prepare(
        `INSERT INTO alert_cooldowns (kind, subject, opened_at, window_id, suppressed, carried)
         SELECT ?1, ?2, ?3, ?4, 0, 0 WHERE ${exists}
         ON CONFLICT (kind, subject) DO UPDATE SET
           carried    = iif(opened_at <= ?5, suppressed, carried),
           suppressed = iif(opened_at <= ?5, 0, suppressed + 1),
           window_id  = iif(opened_at <= ?5, excluded.window_id, window_id),
           opened_at  = iif(opened_at <= ?5, excluded.opened_at, opened_at)`,
      )
      .bind(signal.kind, signal.subject, at, windowId, new Date(now.getTime() - cooldownMs).toISOString(), signal.id),
    ...destinations.map((destination) =>
      db
        .prepare(
          `INSERT INTO alerts (id, kind, subject, destination, data_json, suppressed, state, next_attempt_at, created_at, updated_at)
           SELECT ?1, c.kind, c.subject, ?2, ?3, c.carried, 'pending', ?4, ?4, ?4 FROM alert_cooldowns c
           WHERE c.kind = ?5 AND c.subject = ?6 AND c.window_id = ?7
           RETURNING id`,
        )
        .bind(`alr_${crypto.randomUUID().replaceAll("-", "")}`, destination, signal.data_json, at, signal.kind, signal.subject, windowId),
    ),
    db.prepare("DELETE FROM alert_signals WHERE id = ?1").bind(signal.id),
  ]);
  return results.slice(1, 1 + destinations.length).flatMap((r) => r.results.map((row) => row.id));
}

/** Without ALERT_URL, signals are only logged: they are dropped so the table stays empty. */
export async function dropSignals(db: D1Database, upToId: number): Promise<void> {
  await db.prepare("DELETE FROM alert_signals WHERE id <= ?1").bind(upToId).run();
}

export async function leaseAlert(db: D1Database, id: string, now: Date, leaseMs: number): Promise<AlertRow | null> {
  return (await leaseStatement(db, "alerts", id, now, leaseMs).first<AlertRow>()) ?? null;
}

/** The attempt's outcome, fenced on the lease: `retryInSeconds` null means final. */
export async function recordAlertOutcome(
  db: D1Database,
  alert: AlertRow,
  outcome: { sent: boolean; error: string | null; retryInSeconds: number | null },
  now: Date,
): Promise<void> {
  const state = outcome.sent ? "sent" : outcome.retryInSeconds === null ? "failed" : "pending";
  const next = new Date(now.getTime() + (outcome.retryInSeconds ?? 0) * 1000).toISOString();
  await db
    .prepare(
      `UPDATE alerts SET state = ?3, next_attempt_at = ?4, last_error = ?5, lease_until = NULL, updated_at = ?6
       WHERE id = ?1 AND lease_token = ?2 AND state = 'pending'`,
    )
    .bind(alert.id, alert.lease_token, state, next, outcome.error, now.toISOString())
    .run();
}

/** For /stats: alerts kept (see RETENTION_DAYS) by outcome, and the newest error. */
export async function alertStats(db: D1Database): Promise<{ sent: number; failed: number; pending: number; last_error: string | null }> {
  const [counts, last] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT state, count(*) AS n FROM alerts GROUP BY state"),
    db.prepare("SELECT kind, last_error, updated_at FROM alerts WHERE last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1"),
  ]);
  const by = Object.fromEntries((counts?.results ?? []).map((r) => [String(r.state), Number(r.n)]));
  const l = last?.results[0];
  return {
    sent: by.sent ?? 0,
    failed: by.failed ?? 0,
    pending: by.pending ?? 0,
    last_error: l ? `${String(l.updated_at)} ${String(l.kind)}: ${String(l.last_error)}` : null,
  };
}
