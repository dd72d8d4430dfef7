// Overview: /health's problems, /stats' counts, the last 30 days, how far behind delivery is,
// reconciliation.
import type { ApiHealth, ApiReconcileSummary, ApiStats, PublicInvoice } from "../../src/domain/wire";
import { api, messageOf } from "../api";
import { el, fill } from "../el";
import { age, badge, humanKey, invoiceLink, kv, rowsOrNone, value } from "../format";
import { decimal, num, t, tx } from "../i18n";
import { projectSelect } from "../projects";
import { confirmAction, errorBox, notice, section } from "../ui";
import { dailyCard } from "./daily-chart";
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

export async function overview(view: HTMLElement, params: URLSearchParams = new URLSearchParams()): Promise<void> {
  const project = params.get("project") ?? "";
  const pick = projectSelect(project, (p) => {
    location.hash = p ? `#/?project=${encodeURIComponent(p)}` : "#/";
  });
  view.append(el("h1", { tabindex: -1 }, t("nav.overview")));
  if (pick.length) view.append(el("form", { class: "filters", onsubmit: (e: Event) => e.preventDefault() }, ...pick));
  const [health, stats] = await Promise.allSettled([api<ApiHealth>("/health", { accept: [503] }), api<ApiStats>("/stats")]);
  view.append(health.status === "fulfilled" ? healthCard(health.value) : section(t("overview.health"), errorBox(health.reason)));
  if (stats.status === "rejected") {
    view.append(section(t("overview.stats"), errorBox(stats.reason)));
    return;
  }
  const s = stats.value;
  view.append(
    dailyCard(project),
    el(
      "div",
      { class: "cols" },
      section(
        t("nav.invoices"),
        counts(s.invoices_by_status, (k) => `#/invoices?status=${encodeURIComponent(k)}`),
      ),
      section(
        t("nav.deliveries"),
        el("p", { class: "big" }, t("overview.oldestPending", { age: age(s.oldest_pending_delivery_age_seconds) })),
        counts(s.deliveries_by_state, (k) => `#/deliveries?state=${encodeURIComponent(k)}`),
        s.deliveries_enqueue_failed
          ? el("p", { class: "notice warn" }, t("overview.enqueueFailed", { count: s.deliveries_enqueue_failed }))
          : null,
      ),
      section(t("overview.confirmations"), counts(s.confirmations_by_state)),
    ),
  );
  if ("reconciliation" in s) view.append(reconciliationCard(s.reconciliation ?? null));
  view.append(latestInvoices(project));
  if ("tables" in s) view.append(storageCard(s));
  // Whatever else /stats reports (alerts, confirmation, fields added later), as designed rows.
  const rest = Object.keys(s).filter((k) => !KNOWN.includes(k));
  if (rest.length > 0) view.append(el("div", { class: "cols" }, ...rest.map((k) => section(humanKey(k), value(s[k])))));
}

function latestInvoices(project: string): HTMLElement {
  const box = el("div", null, el("p", { class: "muted" }, t("common.loading")));
  api<{ invoices: PublicInvoice[] }>(`/invoices?${new URLSearchParams({ limit: "5", ...(project ? { project } : {}) })}`).then(
    (r) => fill(box, rowsOrNone(invoiceColumns(), r.invoices, t("invoices.none"))),
    (e) => fill(box, errorBox(e)),
  );
  const all = project ? `#/invoices?project=${encodeURIComponent(project)}` : "#/invoices";
  return section(t("overview.latest"), box, el("p", null, el("a", { href: all }, t("overview.allInvoices"))));
}

function healthCard(h: ApiHealth): HTMLElement {
  const { status, errors = [], warnings = [], ...rest } = h;
  return section(
    t("overview.health"),
    el("p", null, badge(status)),
    errors.length > 0 ? el("div", { class: "notice error", role: "alert" }, el("strong", null, t("overview.errors")), list(errors)) : null,
    warnings.length > 0 ? el("div", { class: "notice warn" }, el("strong", null, t("overview.warnings")), list(warnings)) : null,
    el("details", null, el("summary", null, t("overview.configuration")), kv(rest)),
  );
}

/** D1's size, rows per table, and retention's last prune. */
function storageCard(s: ApiStats): HTMLElement {
  const bytes = typeof s.database_bytes === "number" ? s.database_bytes : null;
  const size =
    bytes === null
      ? t("common.unknown")
      : bytes < 1024 * 1024
        ? t("size.kib", { n: num(Math.round(bytes / 1024)) })
        : t("size.mib", { n: decimal((bytes / 1024 / 1024).toFixed(1)) });
  return section(
    t("overview.storage"),
    el("p", { class: "big" }, t("overview.d1", { size })),
    el(
      "div",
      { class: "cols" },
      el("div", null, el("h3", null, t("overview.rows")), value(s.tables)),
      el("div", null, el("h3", null, t("overview.retention")), value(s.retention)),
    ),
  );
}

const list = (items: string[]): HTMLElement => el("ul", null, ...items.map((i) => el("li", null, i)));

function counts(byKey: Record<string, number> | undefined, link?: (k: string) => string): HTMLElement {
  const entries = Object.entries(byKey ?? {});
  if (entries.length === 0) return el("p", { class: "muted" }, t("overview.noneYet"));
  return el(
    "ul",
    { class: "counts" },
    ...entries.map(([k, n]) => el("li", null, link ? el("a", { href: link(k) }, badge(k)) : badge(k), el("span", { class: "n" }, num(n)))),
  );
}

function reconciliationCard(r: ApiStats["reconciliation"] | null): HTMLElement {
  if (!r || r.configured === false) {
    return section(t("reconcile.title"), el("p", { class: "muted" }, t("reconcile.off")));
  }
  const out = notice();
  const { last_run_at, last_success_at, last_error, recovered_total, configured: _configured, ...rest } = r;
  return section(
    t("reconcile.title"),
    last_error ? el("div", { class: "notice error" }, ...tx("reconcile.lastError", { error: el("span", null, last_error) })) : null,
    kv({ last_run: last_run_at, last_success: last_success_at, recovered_total: recovered_total ?? 0, ...rest }),
    el("p", null, el("button", { onclick: () => void reconcile(out) }, t("reconcile.now"))),
    out.node,
  );
}

async function reconcile(out: ReturnType<typeof notice>): Promise<void> {
  if (!(await confirmAction(t("reconcile.confirm"), t("reconcile.explain"), t("reconcile.now")))) return;
  out.show("info", t("reconcile.running"));
  try {
    const r = await api<ApiReconcileSummary>("/reconcile", { method: "POST" });
    const ids = r.recovered ?? [];
    const links = el("span", null, ...ids.flatMap((id, i) => [i === 0 ? "" : ", ", invoiceLink(id)]));
    const counts = { checked: r.checked, count: ids.length, already: r.already_recorded, ignored: r.ignored, ids: links };
    out.show(
      "ok",
      ...tx(ids.length > 0 ? "reconcile.done" : "reconcile.doneNone", counts),
      r.more ? el("span", null, " ", t("reconcile.more")) : null,
    );
  } catch (e) {
    out.show("error", messageOf(e));
  }
}
