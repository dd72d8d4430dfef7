import type { SignalRow } from "./alerts";

/**
 * Turns one signal into alerts, in one batch, only while the signal still exists (so two isolates
 * cannot both process it): the cooldown row for (kind, `subject`) either opens a new window (this
 * signal's `window_id`, carrying the count it held back) or counts one more; only the signal that
 * opened the window creates one alert per destination. Returns the new alerts' ids.
 */
export async function processSignal(
  db: D1Database,
  signal: SignalRow,
  subject: string,
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
           suppressed = iif(opened_at <= ?5, 0, suppressed + (SELECT coalesce(json_extract(data_json, '$.count'), 1) FROM alert_signals WHERE id = ?6)),
           window_id  = iif(opened_at <= ?5, excluded.window_id, window_id),
           opened_at  = iif(opened_at <= ?5, excluded.opened_at, opened_at)`,
      )
      .bind(signal.kind, subject, at, windowId, new Date(now.getTime() - cooldownMs).toISOString(), signal.id),
    ...destinations.map((destination) =>
      db
        .prepare(
          `INSERT INTO alerts (id, kind, subject, destination, data_json, suppressed, state, next_attempt_at, created_at, updated_at)
           SELECT ?1, c.kind, c.subject, ?2, ?3, c.carried, 'pending', ?4, ?4, ?4 FROM alert_cooldowns c
           WHERE c.kind = ?5 AND c.subject = ?6 AND c.window_id = ?7
           RETURNING id`,
        )
        .bind(newAlertId(), destination, signal.data_json, at, signal.kind, subject, windowId),
    ),
    db.prepare("DELETE FROM alert_signals WHERE id = ?1").bind(signal.id),
  ]);
  return results.slice(1, 1 + destinations.length).flatMap((r) => r.results.map((row) => row.id));
}

export const newAlertId = (): string => `alr_${crypto.randomUUID().replaceAll("-", "")}`;
