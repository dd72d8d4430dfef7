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
