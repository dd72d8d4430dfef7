import type { AuditEntry, AuditRow } from "../domain/audit";
import { type Cursor, encodeCursor } from "../domain/cursor";
import type { Condition } from "./alerts-signal";

/**
 * Appends one audit entry inside the caller's own batch, so the action and its record commit
 * together. `when` lets the entry depend on the change (e.g. `changes() > 0` of the statement before);
 * `countKey` adds to the summary how many rows the statement right before it changed.
 */
export function auditStatement(
  db: D1Database,
  entry: AuditEntry,
  now: Date,
  when: Condition = { sql: "1", params: [] },
  countKey?: "count",
): D1PreparedStatement {
  const summary = countKey ? `json_set(?, '$.${countKey}', changes())` : "?";
  return db
    .prepare(
      `INSERT INTO audit_log (id, at, actor_kind, actor_id, action, target, request_id, summary_json)
       SELECT ?, ?, ?, ?, ?, ?, ?, ${summary} WHERE ${when.sql}`,
    )
    .bind(
      `aud_${crypto.randomUUID().replaceAll("-", "")}`,
      now.toISOString(),
      entry.actor.kind,
      entry.actor.id,
      entry.action,
      entry.target,
      entry.requestId,
      JSON.stringify(entry.summary),
      ...when.params,
    );
}

export interface AuditQuery {
  limit: number;
  cursor: Cursor | null;
  since: string | null; // ISO: at >= since
  action: string | null; // exact
}

/** Newest first, by (at, id): a stable key, so pages never skip or repeat (index audit_newest). */
export async function listAudit(db: D1Database, query: AuditQuery): Promise<{ rows: AuditRow[]; next: string | null }> {
  const after = query.cursor;
  const { results } = await db
    .prepare(
      `SELECT * FROM audit_log
       WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR (at, id) < (?3, ?4))
       ORDER BY at DESC, id DESC LIMIT ?5`,
    )
    .bind(query.since, query.action, after?.at ?? null, after?.id ?? null, query.limit + 1)
    .all<AuditRow>();
  const rows = results.slice(0, query.limit);
  const last = rows[rows.length - 1];
  const next = results.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null;
  return { rows, next };
}
