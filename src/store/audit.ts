import type { AuditEntry } from "../domain/audit";
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
