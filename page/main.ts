// The operator console: sign-in, the shell (nav, language, sign out) and a hash router over the views.
import { ApiError, api, messageOf, token, whenUnauthorized } from "./api";
import { el, fill } from "./el";
import { type Lang, lang, setLang, t } from "./i18n";
import { loadProjects } from "./projects";
import { currentSession, type Session, sessionBadge, setSession } from "./session";
import { activity } from "./views/activity";
import { deliveries } from "./views/deliveries";
import { destinations } from "./views/destinations";
import { invoice } from "./views/invoice";
import { invoices } from "./views/invoices";
import { overview } from "./views/overview";

const app = document.getElementById("app") as HTMLElement;
const NAV = [
  ["#/", "nav.overview"],
  ["#/invoices", "nav.invoices"],
  ["#/deliveries", "nav.deliveries"],
  ["#/destinations", "nav.destinations"],
  ["#/activity", "nav.activity"],
] as const;

/** The switch names the other language in that language (lang= lets a reader pronounce it). */
function languageSwitch(): HTMLElement {
  const other: Lang = lang === "ru" ? "en" : "ru";
  const flip = () => {
    setLang(other);
    document.getElementById("view")?.remove(); // the shell is drawn again, in the new language
    route();
  };
  return el("button", { class: "secondary", id: "lang", lang: other, title: t("lang.title"), onclick: flip }, t("lang.other"));
}

function signIn(message = "", kind: "error" | "info" = "error"): void {
  const input = el("input", { id: "token", type: "password", required: true, autocomplete: "off", spellcheck: "false" });
  const status = el("p", { class: `notice ${kind}`, role: "alert", hidden: !message }, message);
  document.title = t("title");
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    token.set(input.value.trim());
    input.value = "";
    try {
      setSession(await api<Session>("/session")); // a 401 comes back here through whenUnauthorized
      await loadProjects();
      route();
    } catch (err) {
      if (token.get()) {
        token.clear();
        status.hidden = false;
        fill(status, messageOf(err));
      }
    }
  };
  fill(
    app,
    el(
      "main",
      { class: "signin" },
      el("p", { class: "actions end" }, languageSwitch()),
      el("h1", null, t("brand")),
      el("p", { class: "muted" }, t("signin.subtitle")),
      el(
        "form",
        { class: "card", onsubmit: (e: Event) => void submit(e) },
        el("label", { for: "token" }, t("signin.token")),
        input,
        el("button", { type: "submit" }, t("signin.submit")),
        status,
      ),
      el("p", { class: "muted small" }, t("signin.note")),
    ),
  );
  input.focus();
}

function shell(): HTMLElement {
  const main = el("main", { id: "view" });
  const signOut = () => {
    token.clear();
    setSession(null);
    history.replaceState(null, "", location.pathname);
    signIn(t("signin.signedOut"), "info");
  };
  document.title = t("title");
  fill(
    app,
    el(
      "header",
      { class: "top" },
      el("a", { class: "brand", href: "#/" }, t("brand")),
      el("nav", { "aria-label": t("nav.label") }, ...NAV.map(([href, key]) => el("a", { href }, t(key)))),
      sessionBadge(),
      languageSwitch(),
      currentSession()?.actor.kind === "access"
        ? null
        : el("button", { class: "secondary", id: "sign-out", onclick: signOut }, t("signin.signOut")),
    ),
    main,
  );
  return main;
}

function route(): void {
  if (!currentSession()) {
    signIn();
    return;
  }
  const main = document.getElementById("view") ?? shell();
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [name = "", arg = ""] = path.split("/");
  const params = new URLSearchParams(query);
  for (const a of app.querySelectorAll("nav a")) {
    const current = a.getAttribute("href") === `#/${name === "invoice" ? "invoices" : name}`;
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  // A fresh container per visit: a slow answer for the previous view lands in a detached node.
  const view = el("div");
  fill(main, view);
  if (name === "invoices") invoices(view, params);
  else if (name === "invoice") void invoice(view, decodeURIComponent(arg));
  else if (name === "deliveries") deliveries(view, params);
  else if (name === "destinations") destinations(view);
  else if (name === "activity") activity(view, params);
  else void overview(view, params);
  // Each view writes its heading before it waits for the API: move focus there, for keyboards and readers.
  view.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
}

document.documentElement.lang = lang;
whenUnauthorized((message) => {
  setSession(null);
  if (!message && document.getElementById("token")) return; // already asking, nothing new to say: keep what was typed
  signIn(message);
});
window.addEventListener("hashchange", route);
// Ask who we are first: an Access cookie or a token kept in this tab signs in without a prompt.
// With no token kept, the prompt shows at once (focused) and goes away if Access signed us in.
if (!token.get()) signIn();
api<Session>("/session").then(
  async (s) => {
    setSession(s);
    await loadProjects();
    route();
  },
  (e) => {
    if (!(e instanceof ApiError && e.status === 401)) signIn(messageOf(e)); // a 401 has already shown the sign-in form
  },
);
