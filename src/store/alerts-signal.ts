import type { AlertKind } from "../domain/alert";

/** A SQL condition with its own positional parameters, for statements that must run only if it holds. */
export interface Condition {
  sql: string;
  params: unknown[];
}

export interface Signal {
  kind: AlertKind;
  subject: string; // what the alert is about: a destination, an invoice, "api_key"…; the cooldown is per (kind, subject)
  data: Record<string, unknown>;
}

/**
 * Records that something alert-worthy happened, inside the caller's own batch (so a Worker killed
 * mid-write records both the fact and its signal, or neither). The cron turns signals into alerts,
 * applying the cooldown.
 */
export function signalStatement(
  db: D1Database,
  signal: Signal,
  now: Date,
  when: Condition = { sql: "1", params: [] },
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO alert_signals (kind, subject, data_json, created_at) SELECT ?, ?, ?, ? WHERE ${when.sql}`)
    .bind(signal.kind, signal.subject, JSON.stringify(signal.data), now.toISOString(), ...when.params);
}
