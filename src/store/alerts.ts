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
  state: "pending" | "sent" | "failed" | "missed" | "summarized";
  attempt_count: number;
  lease_token: string | null;
  last_error: string | null;
}

export async function pendingSignals(db: D1Database, limit: number): Promise<SignalRow[]> {
  const { results } = await db.prepare("SELECT * FROM alert_signals ORDER BY id LIMIT ?1").bind(limit).all<SignalRow>();
  return results;
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

export interface AlertStats {
  sent: number;
  failed: number;
  pending: number;
  missed: number; // parked while their channel was down, waiting for its summary
  summarized: number; // covered by an alerts.missed summary
  last_error: string | null;
}

/** For /stats: alerts kept (see RETENTION_DAYS) by outcome, and the newest error. */
export async function alertStats(db: D1Database): Promise<AlertStats> {
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
    missed: by.missed ?? 0,
    summarized: by.summarized ?? 0,
    last_error: l ? `${String(l.updated_at)} ${String(l.kind)}: ${String(l.last_error)}` : null,
  };
}
