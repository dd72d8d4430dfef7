import type { AlertRow } from "./alerts";
import { newAlertId } from "./alerts-cooldown";

/** Errors that say the channel itself is unreachable (not that it disliked one message). */
const CHANNEL_DOWN_ERRORS = "('timeout', 'network', 'http_5xx', 'rate_limited')";

/**
 * Parks the leased alert as `missed`, without sending it, while an older alert to the same channel
 * is still pending after a channel-down error: that one probes the channel on its backoff, and the
 * rest wait for one summary instead of each retrying and arriving stale. Fenced on the lease;
 * true when it parked the alert.
 */
export async function parkIfChannelDown(db: D1Database, alert: AlertRow, now: Date): Promise<boolean> {
  const { meta } = await db
    .prepare(
      `UPDATE alerts SET state = 'missed', lease_until = NULL, updated_at = ?3
       WHERE id = ?1 AND lease_token = ?2 AND state = 'pending' AND EXISTS (
         SELECT 1 FROM alerts o WHERE o.destination = alerts.destination AND o.state = 'pending'
           AND o.last_error IN ${CHANNEL_DOWN_ERRORS} AND (o.created_at, o.id) < (alerts.created_at, alerts.id))`,
    )
    .bind(alert.id, alert.lease_token, now.toISOString())
    .run();
  return (meta.changes ?? 0) > 0;
}

/**
 * After a send to `destination` succeeded: the alerts parked for it become one `alerts.missed`
 * alert (how many, of which kinds, from when to when), in one batch with marking them
 * `summarized`, so two isolates cannot both summarize them. Returns the summary's id, or null.
 */
export async function summarizeMissed(db: D1Database, destination: string, now: Date): Promise<string | null> {
  const at = now.toISOString();
  const [summary] = await db.batch<{ id: string }>([
    db
      .prepare(
        `INSERT INTO alerts (id, kind, subject, destination, data_json, suppressed, state, next_attempt_at, created_at, updated_at)
         SELECT ?1, 'alerts.missed', 'channel', ?2, json_object(
             'missed', count(*),
             'kinds', json((SELECT json_group_object(kind, n) FROM
               (SELECT kind, count(*) AS n FROM alerts WHERE destination = ?2 AND state = 'missed' GROUP BY kind))),
             'first_at', min(created_at), 'last_at', max(created_at)),
           0, 'pending', ?3, ?3, ?3
         FROM alerts WHERE destination = ?2 AND state = 'missed' HAVING count(*) > 0
         RETURNING id`,
      )
      .bind(newAlertId(), destination, at),
    db.prepare("UPDATE alerts SET state = 'summarized', updated_at = ?2 WHERE destination = ?1 AND state = 'missed'").bind(destination, at),
  ]);
  return summary?.results[0]?.id ?? null;
}
