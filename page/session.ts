// Who is signed in, as GET /session says: a person through Cloudflare Access (no token asked for)
// or a bearer token kept in this tab. Every action is recorded in the audit log under this name.
import { el } from "./el";

// Every user-visible string of this file (the translation table takes them from here).
const TEXT = {
  signedInAs: "Signed in as ",
  viaAccess: " (Cloudflare Access)",
  operatorToken: "the operator token",
  readToken: "a read-only token",
  readOnly: "read only",
  signOut: "Sign out", // of Cloudflare Access: its logout URL on this hostname
  recordedAs: (who: string) => `This action will be recorded in the activity log as ${who}.`,
};

export interface Actor {
  kind: "access" | "token";
  id: string;
}
export interface Session {
  actor: Actor;
  scope: "all" | "read";
}

let current: Session | null = null;
export const currentSession = (): Session | null => current;
export const setSession = (s: Session | null): void => {
  current = s;
};

/** How an actor reads on the page: the Access email or service token name, or which token. */
export const actorName = (a: Actor): string =>
  a.kind === "access" ? a.id : a.id === "api_token" ? TEXT.operatorToken : a.id === "api_read_token" ? TEXT.readToken : a.id;

/** The header's "Signed in as …". */
export function sessionBadge(): HTMLElement | null {
  if (!current) return null;
  return el(
    "span",
    { class: "muted small", id: "signed-in" },
    TEXT.signedInAs,
    el("strong", null, actorName(current.actor)),
    current.actor.kind === "access" ? TEXT.viaAccess : null,
    current.scope === "read" ? ` · ${TEXT.readOnly}` : null,
    current.actor.kind === "access" ? el("a", { href: "/cdn-cgi/access/logout", class: "button secondary" }, TEXT.signOut) : null,
  );
}

/** Said in every action's confirmation: the action goes into the audit log under this name. */
export const recordedNote = (): HTMLElement =>
  el("p", { class: "muted small recorded" }, TEXT.recordedAs(current ? actorName(current.actor) : TEXT.operatorToken));
