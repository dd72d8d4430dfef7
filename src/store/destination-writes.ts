import { API_DESTINATIONS_MAX } from "../domain/destination-id";
import type { Condition } from "./alerts-signal";

// Every operator change to a destination: one batch with its audit entry, the entry conditional on the
// change itself (`changes() > 0` right after it), so a refused change writes neither.

const CHANGED: Condition = { sql: "changes() > 0", params: [] };
export type AuditFor = (when: Condition, countKey?: "count") => D1PreparedStatement;

/** Creates an API destination unless 20 exist or a live destination has this URL (the statement decides, not a read). */
export async function insertDestination(
  db: D1Database,
  d: { id: string; url: string; description: string | null; filterJson: string },
  now: Date,
  audit: AuditFor,
): Promise<"created" | "too_many" | "duplicate_url"> {
  const at = now.toISOString();
  const [inserted, , full] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `INSERT INTO destinations (id, url, description, managed_by, filter_json, created_at, updated_at)
         SELECT ?1, ?2, ?3, 'api', ?4, ?5, ?5
         WHERE (SELECT count(*) FROM destinations WHERE managed_by = 'api' AND removed_at IS NULL) < ?6
           AND NOT EXISTS (SELECT 1 FROM destinations WHERE url = ?2 AND removed_at IS NULL)`,
      )
      .bind(d.id, d.url, d.description, d.filterJson, at, API_DESTINATIONS_MAX),
    audit(CHANGED),
    db
      .prepare("SELECT count(*) >= ?1 AS full FROM destinations WHERE managed_by = 'api' AND removed_at IS NULL")
      .bind(API_DESTINATIONS_MAX),
  ]);
  if ((inserted?.meta.changes ?? 0) > 0) return "created";
  return full?.results[0]?.full === 1 ? "too_many" : "duplicate_url";
}

/** Edits an API destination; null leaves a field as it is. False when nothing matched (config, unknown, or the URL taken). */
export async function updateDestination(
  db: D1Database,
  id: string,
  patch: { url: string | null; description: string | null | undefined; filterJson: string | null },
  now: Date,
  audit: AuditFor,
): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .prepare(
        `UPDATE destinations SET url = coalesce(?2, url), description = iif(?5, ?3, description), filter_json = coalesce(?4, filter_json), updated_at = ?6
         WHERE id = ?1 AND managed_by = 'api' AND removed_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM destinations o WHERE o.url = ?2 AND o.id <> ?1 AND o.removed_at IS NULL)`,
      )
      .bind(id, patch.url, patch.description ?? null, patch.filterJson, patch.description !== undefined ? 1 : 0, now.toISOString()),
    audit(CHANGED),
  ]);
  return (updated?.meta.changes ?? 0) > 0;
}

/** Deletes an API destination; its pending deliveries become `canceled` in the same batch. Null when nothing matched. */
export async function removeDestination(db: D1Database, id: string, now: Date, audit: AuditFor): Promise<number | null> {
  const at = now.toISOString();
  const [removed, canceled] = await db.batch([
    db
      .prepare("UPDATE destinations SET removed_at = ?2, updated_at = ?2 WHERE id = ?1 AND managed_by = 'api' AND removed_at IS NULL")
      .bind(id, at),
    db
      .prepare(
        `UPDATE deliveries SET state = 'canceled', held_since = NULL, lease_until = NULL, last_error = 'destination_deleted', updated_at = ?2
         WHERE destination_id = ?1 AND state = 'pending' AND EXISTS (SELECT 1 FROM destinations WHERE id = ?1 AND removed_at = ?2)`,
      )
      .bind(id, at),
    audit({ sql: "EXISTS (SELECT 1 FROM destinations WHERE id = ? AND removed_at = ?)", params: [id, at] }, "count"),
  ]);
  return (removed?.meta.changes ?? 0) > 0 ? (canceled?.meta.changes ?? 0) : null;
}

/**
 * Pause (hold new and waiting deliveries) or resume. Resuming a disabled destination also closes its
 * circuit (a new generation): the operator says it is back. The caller releases the held deliveries.
 */
export async function setDestinationState(
  db: D1Database,
  id: string,
  state: "paused" | "active",
  now: Date,
  audit: AuditFor,
): Promise<boolean> {
  const [changed] = await db.batch([
    db
      .prepare(
        `UPDATE destinations SET
           circuit_state = iif(state = 'disabled', 'closed', circuit_state), consecutive_failures = iif(state = 'disabled', 0, consecutive_failures),
           opened_at = iif(state = 'disabled', NULL, opened_at), next_probe_at = iif(state = 'disabled', NULL, next_probe_at),
           circuit_generation = circuit_generation + iif(state = 'disabled', 1, 0), state = ?2, updated_at = ?3
         WHERE id = ?1 AND removed_at IS NULL AND state <> ?2`,
      )
      .bind(id, state, now.toISOString()),
    audit(CHANGED),
  ]);
  return (changed?.meta.changes ?? 0) > 0;
}

/** A new secret generation; the previous one keeps signing until `previousExpiresAt`. Null when nothing matched. */
export async function rotateSecret(
  db: D1Database,
  id: string,
  previousExpiresAt: string,
  now: Date,
  audit: AuditFor,
): Promise<number | null> {
  const [rotated] = await db.batch<{ secret_generation: number }>([
    db
      .prepare(
        `UPDATE destinations SET secret_generation = secret_generation + 1, previous_expires_at = ?2, updated_at = ?3
         WHERE id = ?1 AND managed_by = 'api' AND removed_at IS NULL RETURNING secret_generation`,
      )
      .bind(id, previousExpiresAt, now.toISOString()),
    audit(CHANGED),
  ]);
  return rotated?.results[0]?.secret_generation ?? null;
}
