// Deliveries by state, newest first; each opens its invoice (with every attempt). Bulk redeliver.
import { DELIVERY_STATES } from "../../src/domain/delivery-state";
import type { ApiDelivery } from "../../src/domain/wire";
import { api, messageOf } from "../api";
import { el } from "../el";
import { badge, type Column, invoiceLink, statusLabel, time } from "../format";
import { t, tx } from "../i18n";
import { projectColumn, projectSelect } from "../projects";
import { confirmAction, notice, type Page, paged, section } from "../ui";

// The states GET /deliveries filters by: the delivery engine's own list (a state the page does not
// know yet still shows, by its name).
const STATES = DELIVERY_STATES;

const columns = (): Column<ApiDelivery>[] => [
  { head: t("col.invoice"), cell: (d) => (d.invoice_id ? invoiceLink(d.invoice_id) : "—") },
  { head: t("col.state"), cell: (d) => badge(d.state) },
  { head: t("col.destination"), cell: (d) => el("span", { class: "mono" }, d.destination), wide: true },
  { head: t("col.round"), cell: (d) => d.round },
  { head: t("col.attempts"), cell: (d) => d.attempt_count },
  { head: t("col.nextAttempt"), cell: (d) => (d.state === "pending" ? time(d.next_attempt_at) : "—") },
  { head: t("col.lastError"), cell: (d) => d.last_error ?? "—", wide: true },
  { head: t("col.updated"), cell: (d) => time(d.updated_at) },
  ...projectColumn<ApiDelivery>(),
];

export function deliveries(view: HTMLElement, params: URLSearchParams): void {
  const state = params.get("state") ?? "";
  const project = params.get("project") ?? "";
  const go = (next: { state: string; project: string }) => {
    const q = new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ""));
    location.hash = q.size ? `#/deliveries?${q}` : "#/deliveries";
  };
  const select = el(
    "select",
    { id: "f-state", onchange: () => go({ state: select.value, project }) },
    el("option", { value: "" }, t("deliveries.allStates")),
    ...STATES.map((s) => el("option", { value: s, selected: s === state }, statusLabel(s))),
  );
  const load = async (cursor: string | null): Promise<Page<ApiDelivery>> => {
    const q = new URLSearchParams({ limit: "50" });
    if (state) q.set("state", state);
    if (project) q.set("project", project);
    if (cursor) q.set("cursor", cursor);
    const r = await api<{ deliveries: ApiDelivery[]; next_cursor: string | null }>(`/deliveries?${q}`);
    return { rows: r.deliveries, next: r.next_cursor };
  };
  view.append(
    el("h1", { tabindex: -1 }, t("nav.deliveries")),
    el(
      "form",
      { class: "filters", onsubmit: (e: Event) => e.preventDefault() },
      ...projectSelect(project, (p) => go({ state, project: p })),
      el("label", { for: "f-state" }, t("col.state")),
      select,
    ),
    paged(columns(), load, state ? t("deliveries.noneInState", { state: statusLabel(state) }) : t("deliveries.none")),
    bulkRedeliver(),
  );
}

/** "Redeliver exhausted since …": after the backend's outage, replay what gave up during it. */
function bulkRedeliver(): HTMLElement {
  const out = notice();
  const yesterday = new Date(Date.now() - 86_400_000 - new Date().getTimezoneOffset() * 60_000);
  const since = el("input", { id: "f-since", type: "datetime-local", required: true, value: yesterday.toISOString().slice(0, 16) });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const at = new Date(since.value);
    if (Number.isNaN(at.getTime())) return out.show("error", t("bulk.pickTime"));
    const iso = at.toISOString();
    const text = el("p", null, ...tx("bulk.explain", { since: time(iso) }));
    if (!(await confirmAction(t("bulk.confirm"), text, t("bulk.redeliver")))) return;
    out.show("info", t("common.queuing"));
    try {
      const q = new URLSearchParams({ state: "exhausted", since: iso });
      const r = await api<{ count: number; more?: boolean }>(`/deliveries/redeliver?${q}`, { method: "POST" });
      out.show("ok", ...tx(r.more ? "bulk.doneMore" : "bulk.done", { count: r.count, since: time(iso) }));
    } catch (err) {
      out.show("error", messageOf(err));
    }
  };
  return section(
    t("bulk.title"),
    el(
      "form",
      { class: "filters", onsubmit: (e: Event) => void submit(e) },
      el("label", { for: "f-since" }, t("bulk.since")),
      since,
      el("button", { type: "submit" }, t("bulk.submit")),
    ),
    out.node,
  );
}
