// Who is signed in, as GET /session says: a person through Cloudflare Access (no token asked for)
// or a bearer token kept in this tab. Every action is recorded in the audit log under this name.
import { el } from "./el";
import { t, tx } from "./i18n";

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
  a.kind === "access"
    ? a.id
    : a.id === "api_token"
      ? t("session.operatorToken")
      : a.id === "api_read_token"
        ? t("session.readToken")
        : a.id;

/** The header's "Signed in as …". */
export function sessionBadge(): HTMLElement | null {
  if (!current) return null;
  return el(
    "span",
    { class: "muted small", id: "signed-in" },
    ...tx(
      current.actor.kind === "access" ? "session.signedInAccess" : current.scope === "read" ? "session.signedInRead" : "session.signedIn",
      {
        who: el("strong", null, actorName(current.actor)),
      },
    ),
    current.actor.kind === "access" ? el("a", { href: "/cdn-cgi/access/logout", class: "button secondary" }, t("signin.signOut")) : null,
  );
}

/** Said in every action's confirmation: the action goes into the audit log under this name. */
export const recordedNote = (): HTMLElement =>
  el(
    "p",
    { class: "muted small recorded" },
    t("session.recordedAs", { who: current ? actorName(current.actor) : t("session.operatorToken") }),
  );
