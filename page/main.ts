// The operator console: sign-in, the shell (nav, sign out) and a hash router over four views.
import { api, messageOf, token, whenUnauthorized } from "./api";
import { el, fill } from "./el";
import { deliveries } from "./views/deliveries";
import { destinations } from "./views/destinations";
import { invoice } from "./views/invoice";
import { invoices } from "./views/invoices";
import { overview } from "./views/overview";

const app = document.getElementById("app") as HTMLElement;
const NAV = [
  ["#/", "Overview"],
  ["#/invoices", "Invoices"],
  ["#/deliveries", "Deliveries"],
  ["#/destinations", "Destinations"],
] as const;

function signIn(message = "", kind: "error" | "info" = "error"): void {
  const input = el("input", { id: "token", type: "password", required: true, autocomplete: "off", spellcheck: "false" });
  const status = el("p", { class: `notice ${kind}`, role: "alert", hidden: !message }, message);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    token.set(input.value.trim());
    input.value = "";
    try {
      await api("/stats"); // a 401 comes back here through whenUnauthorized
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
      el("h1", null, "CryptoCloud postback"),
      el("p", { class: "muted" }, "Operator console"),
      el(
        "form",
        { class: "card", onsubmit: (e: Event) => void submit(e) },
        el("label", { for: "token" }, "API token"),
        input,
        el("button", { type: "submit" }, "Sign in"),
        status,
      ),
      el("p", { class: "muted small" }, "The token stays in this tab's session storage only: closing the tab or signing out forgets it."),
    ),
  );
  input.focus();
}

function shell(): HTMLElement {
  const main = el("main", { id: "view" });
  const signOut = () => {
    token.clear();
    history.replaceState(null, "", location.pathname);
    signIn("Signed out: the token is forgotten.", "info");
  };
  fill(
    app,
    el(
      "header",
      { class: "top" },
      el("a", { class: "brand", href: "#/" }, "CryptoCloud postback"),
      el("nav", { "aria-label": "Views" }, ...NAV.map(([href, label]) => el("a", { href }, label))),
      el("button", { class: "secondary", id: "sign-out", onclick: signOut }, "Sign out"),
    ),
    main,
  );
  return main;
}

function route(): void {
  if (!token.get()) {
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
  else void overview(view);
  // Each view writes its heading before it waits for the API: move focus there, for keyboards and readers.
  view.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
}

whenUnauthorized((message) => signIn(message));
window.addEventListener("hashchange", route);
route();
