import type { DigestData } from "../domain/digest";
import type { Condition } from "./alerts-signal";

/** Whether the day's digest went out: lets the cron skip building a report it will not send (the claim still decides). */
export async function digestClaimed(db: D1Database, day: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS x FROM digests WHERE day = ?1").bind(day).first()) !== null;
}

/** One `report.daily` alert per destination into the alert outbox (sent with the same retries as any alert), only if `when` holds. */
function digestAlerts(
  db: D1Database,
  destinations: readonly string[],
  data: DigestData,
  now: Date,
  when: Condition,
): D1PreparedStatement[] {
  const at = now.toISOString();
  return destinations.map((destination) =>
    db
      .prepare(
        `INSERT INTO alerts (id, kind, subject, destination, data_json, suppressed, state, next_attempt_at, created_at, updated_at)
         SELECT ?, 'report.daily', ?, ?, ?, 0, 'pending', ?, ?, ? WHERE ${when.sql} RETURNING id`,
      )
      .bind(`alr_${crypto.randomUUID().replaceAll("-", "")}`, data.date, destination, JSON.stringify(data), at, at, at, ...when.params),
  );
}

const idsOf = (results: D1Result<{ id: string }>[]): string[] => results.flatMap((r) => r.results.map((row) => row.id));

/**
 * Claims the day and queues its alerts in one batch: the first run inserts the `digests` row with its
 * token and only inserts alerts while that token is the day's; a concurrent run's insert does nothing,
 * and so do its alerts. Returns the new alerts' ids (none when another run had the day).
 */
export async function claimDigest(db: D1Database, destinations: readonly string[], data: DigestData, now: Date): Promise<string[]> {
  const token = crypto.randomUUID();
  const mine: Condition = { sql: "EXISTS (SELECT 1 FROM digests WHERE day = ? AND claim = ?)", params: [data.date, token] };
  const results = await db.batch<{ id: string }>([
    db
      .prepare("INSERT INTO digests (day, claim, alerts, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (day) DO NOTHING")
      .bind(data.date, token, destinations.length, now.toISOString()),
    ...digestAlerts(db, destinations, data, now, mine),
  ]);
  return idsOf(results.slice(1));
}

/** POST /alerts/digest: today's digest so far, unclaimed (any number of times), with the caller's audit entry in the same batch. */
export async function queueDigest(
  db: D1Database,
  destinations: readonly string[],
  data: DigestData,
  now: Date,
  audit: D1PreparedStatement,
): Promise<string[]> {
  const results = await db.batch<{ id: string }>([...digestAlerts(db, destinations, data, now, { sql: "1", params: [] }), audit]);
  return idsOf(results.slice(0, destinations.length));
}
