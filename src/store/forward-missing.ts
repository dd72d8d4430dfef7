import type { ConfigDestinations } from "../domain/plan";
import { configJson, configuredHere, FILTER_MATCHES, syncConfigStatements } from "./destinations";

/** Where the forward repair stopped: the last event it looked at, in creation order. */
export interface EventCursor {
  at: string;
  id: string;
}

const JOB = "forward_missing";

/** The saved cursor, or null before the first run. */
export async function forwardCursor(db: D1Database): Promise<EventCursor | null> {
  const row = await db.prepare("SELECT cursor_json FROM jobs WHERE name = ?1").bind(JOB).first<{ cursor_json: string | null }>();
  return row?.cursor_json ? (JSON.parse(row.cursor_json) as EventCursor) : null;
}

const saveStatement = (db: D1Database, next: EventCursor) =>
  db
    .prepare("INSERT INTO jobs (name, cursor_json) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET cursor_json = excluded.cursor_json")
    .bind(JOB, JSON.stringify(next));

/** Moves the cursor without looking at events (nothing is configured to forward to, on purpose). */
export async function saveForwardCursor(db: D1Database, next: EventCursor): Promise<void> {
  await saveStatement(db, next).run();
}

// The invoice's current event (a superseded `paid` after `overpaid` is not sent), not held back
// (`not_forwarded`, or a test-mode invoice under REJECT_TEST_MODE: ?3), and no delivery made before
// this batch: the other destinations' inserts in this same batch carry this batch's instant (?2),
// so every destination gets the event, and an event with any earlier delivery is left alone.
const MISSING = `(e.created_at, e.id) > (?4, ?5) AND (e.created_at, e.id) <= (?6, ?7)
  AND e.type = 'invoice.' || i.status AND i.not_forwarded IS NULL AND NOT (?3 = 1 AND coalesce(i.test_mode, 0) = 1)
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.created_at <> ?2)`;

/**
 * One bounded step of the forward repair: looks at up to `limit` events after `from` (created
 * before `upTo`) and gives each that has no delivery one delivery per destination whose filter
 * matches, the way the ledger creates them (pending, due now, UNIQUE (event, destination) deciding),
 * saving the cursor in the same batch. Returns the new deliveries' ids and where it stopped.
 */
export async function forwardMissing(
  db: D1Database,
  config: ConfigDestinations,
  options: { from: EventCursor; upTo: Date; limit: number; rejectTestMode: boolean },
  now: Date,
): Promise<{ ids: string[]; next: EventCursor; scanned: number }> {
  const { from, upTo, limit } = options;
  const { results: page } = await db
    .prepare("SELECT id, created_at FROM events WHERE (created_at, id) > (?1, ?2) AND created_at < ?3 ORDER BY created_at, id LIMIT ?4")
    .bind(from.at, from.id, upTo.toISOString(), limit)
    .all<{ id: string; created_at: string }>();
  const last = page[page.length - 1];
  if (!last) return { ids: [], next: from, scanned: 0 };
  const next = { at: last.created_at, id: last.id };
  const at = now.toISOString();
  const sync = syncConfigStatements(db, config, at);
  const results = await db.batch<{ id: string }>([
    ...sync,
    db
      .prepare(
        `INSERT INTO deliveries (id, event_id, invoice_id, destination, destination_id, state, next_attempt_at, pending_since, created_at, updated_at)
         SELECT 'dlv_' || lower(hex(randomblob(16))), e.id, e.invoice_id, ds.url, ds.id, 'pending', ?2, ?2, ?2, ?2
         FROM events e JOIN invoices i ON i.invoice_id = e.invoice_id
           JOIN destinations ds ON ds.removed_at IS NULL AND ${configuredHere("?1")}
         WHERE ${MISSING} AND ${FILTER_MATCHES}
         ON CONFLICT DO NOTHING
         RETURNING id`,
      )
      .bind(configJson(config), at, options.rejectTestMode ? 1 : 0, from.at, from.id, next.at, next.id),
    saveStatement(db, next),
  ]);
  return { ids: (results[sync.length]?.results ?? []).map((row) => row.id), next, scanned: page.length };
}
