/** Who did something: a person signed in through Cloudflare Access, or a script with a token. */
export interface Actor {
  kind: "access" | "token";
  id: string; // the Access email or common name, or "api_token"
}

/** One operator action that changed something. `summary` holds counts and ids, never a secret. */
export interface AuditEntry {
  actor: Actor;
  action: string; // "invoice.redeliver", "deliveries.redeliver", "destination.create", …
  target: string | null;
  requestId: string;
  summary: Record<string, unknown>;
}

/** The operator token's actor. */
export const API_TOKEN_ACTOR: Actor = { kind: "token", id: "api_token" };

/** Every API_READ_TOKEN's actor (read tokens never change anything, so never appear in the log). */
export const API_READ_TOKEN_ACTOR: Actor = { kind: "token", id: "api_read_token" };

/** What a credential may do: everything, or only read (GET and HEAD). */
export type Scope = "all" | "read";

/** An audit_log row as D1 returns it. */
export interface AuditRow {
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string;
  action: string;
  target: string | null;
  request_id: string;
  summary_json: string;
}

/** The entry as GET /audit answers it. */
export const toPublicAudit = (row: AuditRow) => ({
  id: row.id,
  at: row.at,
  actor: { kind: row.actor_kind, id: row.actor_id },
  action: row.action,
  target: row.target,
  request_id: row.request_id,
  summary: JSON.parse(row.summary_json) as Record<string, unknown>,
});
