// Overview: /health's problems, /stats' counts, how far behind delivery is, reconciliation.
import { api, messageOf } from "../api";
import { el, fill } from "../el";
import { age, badge, humanKey, invoiceLink, kv, rowsOrNone, time, value } from "../format";
import type { Health, Invoice, Stats } from "../types";
import { confirmAction, errorBox, notice, section } from "../ui";
import { invoiceColumns } from "./invoices";

const KNOWN = [
  "invoices_by_status",
  "deliveries_by_state",
  "oldest_pending_delivery_age_seconds",
  "confirmations_by_state",
  "reconciliation",
  "deliveries_enqueue_failed",
  "database_bytes",
  "tables",
  "retention",
];

export async function overview(view: HTMLElement): Promise<void> {
  view.append(el("h1", { tabindex: -1 }, "Overview"));
  const [health, stats] = await Promise.allSettled([api<Health>("/health", { accept: [503] }), api<Stats>("/stats")]);
  view.append(health.status === "fulfilled" ? healthCard(health.value) : section("Health", errorBox(health.reason)));
  if (stats.status === "rejected") {
    view.append(section("Stats", errorBox(stats.reason)));
    return;
  }
  const s = stats.value;
  view.append(
    el(
      "div",
      { class: "cols" },
      section(
        "Invoices",
        counts(s.invoices_by_status, (k) => `#/invoices?status=${encodeURIComponent(k)}`),
      ),
      section(
        "Deliveries",
        el("p", { class: "big" }, el("span", { class: "muted" }, "Oldest pending: "), age(s.oldest_pending_delivery_age_seconds)),
        counts(s.deliveries_by_state, (k) => `#/deliveries?state=${encodeURIComponent(k)}`),
        s.deliveries_enqueue_failed
          ? el("p", { class: "notice warn" }, `${s.deliveries_enqueue_failed} lost enqueue(s): the sweeper re-sends them within a minute.`)
          : null,
      ),
      section("Confirmations", counts(s.confirmations_by_state)),
    ),
  );
  if ("reconciliation" in s) view.append(reconciliationCard(s.reconciliation ?? null));
  view.append(latestInvoices());
  if ("tables" in s) view.append(storageCard(s));
  // Whatever else /stats reports (alerts, tables, last prune, fields added later), generically.
  const rest = Object.keys(s).filter((k) => !KNOWN.includes(k));
  if (rest.length > 0) view.append(el("div", { class: "cols" }, ...rest.map((k) => section(humanKey(k), value(s[k])))));
}

function latestInvoices(): HTMLElement {
  const box = el("div", null, el("p", { class: "muted" }, "Loading…"));
  api<{ invoices: Invoice[] }>("/invoices?limit=5").then(
    (r) => fill(box, rowsOrNone(invoiceColumns, r.invoices, "No invoices yet.")),
    (e) => fill(box, errorBox(e)),
  );
  return section("Latest invoices", box, el("p", null, el("a", { href: "#/invoices" }, "All invoices →")));
}

function healthCard(h: Health): HTMLElement {
  const { status, errors = [], warnings = [], ...rest } = h;
  return section(
    "Health",
    el("p", null, badge(status)),
    errors.length > 0 ? el("div", { class: "notice error", role: "alert" }, el("strong", null, "Errors"), list(errors)) : null,
    warnings.length > 0 ? el("div", { class: "notice warn" }, el("strong", null, "Warnings"), list(warnings)) : null,
    el("details", null, el("summary", null, "Configuration"), kv(rest)),
  );
}

/** D1's size, rows per table, and retention's last prune. */
function storageCard(s: Stats): HTMLElement {
  const bytes = typeof s.database_bytes === "number" ? s.database_bytes : null;
  const size =
    bytes === null ? "unknown" : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return section(
    "Storage",
    el("p", { class: "big" }, el("span", { class: "muted" }, "D1: "), size),
    el(
      "div",
      { class: "cols" },
      el("div", null, el("h3", null, "Rows"), value(s.tables)),
      el("div", null, el("h3", null, "Retention"), value(s.retention)),
    ),
  );
}

const list = (items: string[]): HTMLElement => el("ul", null, ...items.map((i) => el("li", null, i)));

function counts(byKey: Record<string, number> | undefined, link?: (k: string) => string): HTMLElement {
  const entries = Object.entries(byKey ?? {});
  if (entries.length === 0) return el("p", { class: "muted" }, "None yet.");
  return el(
    "ul",
    { class: "counts" },
    ...entries.map(([k, n]) => el("li", null, link ? el("a", { href: link(k) }, badge(k)) : badge(k), el("span", { class: "n" }, n))),
  );
}

function reconciliationCard(r: Stats["reconciliation"]): HTMLElement {
  if (!r || r.configured === false) {
    return section("Reconciliation", el("p", { class: "muted" }, "Not configured: set CRYPTOCLOUD_API_KEY to turn it on."));
  }
  const out = notice();
  const { last_run_at, last_success_at, last_error, recovered_total, configured: _configured, ...rest } = r;
  return section(
    "Reconciliation",
    last_error ? el("div", { class: "notice error" }, el("strong", null, "Last error: "), last_error) : null,
    el(
      "dl",
      { class: "kv" },
      el("dt", null, "Last run"),
      el("dd", null, time(last_run_at)),
      el("dt", null, "Last success"),
      el("dd", null, time(last_success_at)),
      el("dt", null, "Recovered in total"),
      el("dd", null, String(recovered_total ?? 0)),
    ),
    Object.keys(rest).length > 0 ? kv(rest) : null,
    el("p", null, el("button", { onclick: () => void reconcile(out) }, "Reconcile now")),
    out.node,
  );
}

interface Reconciled {
  checked: number;
  recovered: string[];
  already_recorded: number;
  ignored: number;
  more?: boolean;
}

async function reconcile(out: ReturnType<typeof notice>): Promise<void> {
  const text = "Asks CryptoCloud for recent invoices and records any paid one this Worker never received.";
  if (!(await confirmAction("Reconcile now?", text, "Reconcile now"))) return;
  out.show("info", "Reconciling…");
  try {
    const r = await api<Reconciled>("/reconcile", { method: "POST" });
    const ids = r.recovered ?? [];
    out.show(
      "ok",
      `Checked ${r.checked}; recovered ${ids.length}`,
      ...ids.flatMap((id, i) => [i === 0 ? ": " : ", ", invoiceLink(id)]),
      `; already recorded ${r.already_recorded}; ignored ${r.ignored}.`,
      r.more ? " More remain: the cron goes on from here." : null,
    );
  } catch (e) {
    out.show("error", messageOf(e));
  }
}
