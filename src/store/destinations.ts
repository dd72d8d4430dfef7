import type { DestinationFilter } from "../domain/destination-filter";
import type { DestinationFields } from "../domain/destination-view";
import type { ConfigDestinations } from "../domain/plan";

/** A stored destination: the fields the API shows (domain/destination-view.ts) and those only the store reads. */
export interface DestinationRow extends Omit<DestinationFields, "stats_json"> {
  secret_generation: number;
  previous_expires_at: string | null;
  circuit_generation: number;
}

/** The invoice's project (its slug, `default` for the single-project variables) as the filter sees it. */
const INVOICE_PROJECT = "i.project";

const part = (key: string) => `json_extract(ds.filter_json, '$.${key}')`;
const anyOf = (key: string, value: string) =>
  `(${part(key)} IS NULL OR EXISTS (SELECT 1 FROM json_each(ds.filter_json, '$.${key}') WHERE value = ${value}))`;

/** A destination `ds` wants the event of invoice `i`: the SQL twin of domain/destination-filter.ts's filterMatches. */
export const FILTER_MATCHES = `${anyOf("statuses", "i.status")}
  AND (coalesce(${part("test_mode")}, 'any') = 'any' OR (${part("test_mode")} = 'live' AND coalesce(i.test_mode, 0) <> 1)
       OR (${part("test_mode")} = 'test' AND i.test_mode = 1))
  AND ${anyOf("currencies", "upper(i.currency)")}
  AND ${anyOf("projects", INVOICE_PROJECT)}`;

/**
 * A destination `ds` this isolate sends to: an API one, or a config one in this isolate's FORWARD_URL
 * (`param` holds their JSON). During a gradual deploy two versions run side by side: each creates
 * deliveries only to its own FORWARD_URL, and neither removes the other's destinations on its hot path.
 */
export const configuredHere = (param: string): string =>
  `(ds.managed_by = 'api' OR ds.id IN (SELECT json_extract(value, '$.id') FROM json_each(${param})))`;

/** The JSON `configuredHere` reads: FORWARD_URL's destinations, or none while forwarding is misconfigured. */
export const configJson = (config: ConfigDestinations): string => JSON.stringify(config ?? []);

/** A removed destination's waiting deliveries are held this long (a deploy rolling out) before they become `canceled`. */
export const REMOVAL_GRACE_MS = 15 * 60_000;

/**
 * Keeps FORWARD_URL's destinations in D1, inside the caller's batch: a new URL is inserted, a URL that
 * came back is live again (its pause and circuit kept). With `remove` (the cron and the routes, never
 * the hot path), a URL no longer configured is removed: after REMOVAL_GRACE_MS its waiting deliveries
 * become `canceled`. No write at all when nothing changed.
 */
export function syncConfigStatements(db: D1Database, config: ConfigDestinations, at: string, remove = false): D1PreparedStatement[] {
  if (config === null) return [];
  const json = JSON.stringify(config);
  const statements = [
    db
      .prepare(
        `INSERT INTO destinations (id, url, managed_by, created_at, updated_at)
         SELECT json_extract(value, '$.id'), json_extract(value, '$.url'), 'config', ?2, ?2 FROM json_each(?1) WHERE 1
         ON CONFLICT (id) DO UPDATE SET removed_at = NULL, updated_at = excluded.updated_at WHERE removed_at IS NOT NULL`,
      )
      .bind(json, at),
  ];
  if (remove)
    statements.push(
      db
        .prepare(
          `UPDATE destinations SET removed_at = ?2, updated_at = ?2 WHERE managed_by = 'config' AND removed_at IS NULL
             AND id NOT IN (SELECT json_extract(value, '$.id') FROM json_each(?1))`,
        )
        .bind(json, at),
    );
  return statements;
}

/** Rows older than migration 0006 name their destination by URL only: point them at the config destination (bounded). */
export const backfillStatement = (db: D1Database, limit: number): D1PreparedStatement =>
  db
    .prepare(
      `UPDATE deliveries SET destination_id = (SELECT ds.id FROM destinations ds WHERE ds.url = deliveries.destination
           AND ds.managed_by = 'config' ORDER BY ds.removed_at IS NULL DESC LIMIT 1)
       WHERE rowid IN (SELECT d.rowid FROM deliveries d WHERE d.destination_id IS NULL
           AND EXISTS (SELECT 1 FROM destinations ds WHERE ds.url = d.destination AND ds.managed_by = 'config') LIMIT ?1)`,
    )
    .bind(limit);

export const STATS = `
  (SELECT json_object(
     'pending', count(*) FILTER (WHERE d.state = 'pending' AND d.held_since IS NULL),
     'waiting', count(*) FILTER (WHERE d.state = 'pending' AND d.held_since IS NOT NULL),
     'delivered', count(*) FILTER (WHERE d.state = 'delivered'),
     'failed', count(*) FILTER (WHERE d.state = 'failed'),
     'exhausted', count(*) FILTER (WHERE d.state = 'exhausted'),
     'canceled', count(*) FILTER (WHERE d.state = 'canceled'))
   FROM deliveries d WHERE d.destination_id = ds.id) AS stats_json`;

export type DestinationWithStats = DestinationRow & { stats_json: string };

/** Every live destination with its delivery counts, config ones first, oldest first. */
export async function listDestinations(db: D1Database, sync: D1PreparedStatement[]): Promise<DestinationWithStats[]> {
  const results = await db.batch<DestinationWithStats>([
    ...sync,
    db.prepare(`SELECT ds.*, ${STATS} FROM destinations ds WHERE ds.removed_at IS NULL ORDER BY ds.managed_by DESC, ds.created_at, ds.id`),
  ]);
  return results[results.length - 1]?.results ?? [];
}

export async function getDestination(db: D1Database, id: string): Promise<DestinationWithStats | null> {
  return await db
    .prepare(`SELECT ds.*, ${STATS} FROM destinations ds WHERE ds.id = ?1 AND ds.removed_at IS NULL`)
    .bind(id)
    .first<DestinationWithStats>();
}

/** Whether any destination exists (after `sync`, which runs in the same batch): nowhere to send is a 409. */
export async function anyDestination(db: D1Database, sync: D1PreparedStatement[], config: ConfigDestinations): Promise<boolean> {
  const results = await db.batch<{ any: number }>([
    ...sync,
    db
      .prepare(`SELECT EXISTS (SELECT 1 FROM destinations ds WHERE ds.removed_at IS NULL AND ${configuredHere("?1")}) AS any`)
      .bind(configJson(config)),
  ]);
  return results[results.length - 1]?.results[0]?.any === 1;
}

export const filterJson = (f: DestinationFilter): string => JSON.stringify(f);

/** Destinations that are not delivering: an open circuit, or disabled (for /health, which names ids only). */
export async function unhealthyDestinations(
  db: D1Database,
): Promise<{ id: string; state: string; circuit_state: string; opened_at: string | null }[]> {
  const { results } = await db
    .prepare(
      `SELECT id, state, circuit_state, opened_at FROM destinations WHERE removed_at IS NULL AND (state = 'disabled' OR circuit_state <> 'closed')
       ORDER BY id LIMIT 20`,
    )
    .all<{ id: string; state: string; circuit_state: string; opened_at: string | null }>();
  return results;
}

/** Per-destination delivery counts for /stats. */
export async function destinationCounts(db: D1Database): Promise<Record<string, unknown>[]> {
  const { results } = await db
    .prepare(
      `SELECT ds.id, ds.managed_by, ds.state, ds.circuit_state, ${STATS} FROM destinations ds WHERE ds.removed_at IS NULL ORDER BY ds.id`,
    )
    .all<{ id: string; managed_by: string; state: string; circuit_state: string; stats_json: string }>();
  return results.map(({ stats_json, circuit_state, ...d }) => ({ ...d, circuit: circuit_state, ...JSON.parse(stats_json) }));
}
