// Activity: the audit log (GET /audit), newest first: who did what, to what, and what came of it.
// Filtered by action; "Load more" by cursor.
import { api } from "../api";
import { el } from "../el";
import { type Column, invoiceLink, time, value } from "../format";
import { t, tMaybe } from "../i18n";
import { type Actor, actorName } from "../session";
import { type Page, paged } from "../ui";

/** The actions the filter offers; each has a label `audit.<action>` in the message tables. */
const ACTIONS = [
  "invoice.redeliver",
  "deliveries.redeliver",
  "reconcile.run",
  "alert.test",
  "alert.digest",
  "destination.create",
  "destination.update",
  "destination.delete",
  "destination.pause",
  "destination.resume",
  "destination.rotate_secret",
  "destination.test",
];
const actionLabel = (action: string): string => tMaybe(`audit.${action}`) ?? action;

export interface AuditEntry {
  id: string;
  at: string;
  actor: Actor;
  action: string;
  target: string | null;
  request_id: string;
  summary: Record<string, unknown>;
}

const INVOICE_ACTIONS = ["invoice.redeliver"];

const columns = (): Column<AuditEntry>[] => [
  { head: t("activity.when"), cell: (e) => time(e.at) },
  { head: t("activity.who"), cell: (e) => actorName(e.actor) },
  { head: t("activity.action"), cell: (e) => el("span", { title: e.action }, actionLabel(e.action)) },
  {
    head: t("activity.target"),
    cell: (e) =>
      e.target === null ? "—" : INVOICE_ACTIONS.includes(e.action) ? invoiceLink(e.target) : el("span", { class: "mono" }, e.target),
  },
  { head: t("activity.result"), cell: (e) => (Object.keys(e.summary).length ? value(e.summary) : "—"), wide: true },
  { head: t("activity.request"), cell: (e) => el("span", { class: "mono small" }, e.request_id) },
];

export function activity(view: HTMLElement, params: URLSearchParams): void {
  const action = params.get("action") ?? "";
  const select = el(
    "select",
    {
      id: "f-action",
      onchange: () => {
        location.hash = select.value ? `#/activity?action=${encodeURIComponent(select.value)}` : "#/activity";
      },
    },
    el("option", { value: "" }, t("activity.allActions")),
    ...ACTIONS.map((a) => el("option", { value: a, selected: a === action }, actionLabel(a))),
  );
  const load = async (cursor: string | null): Promise<Page<AuditEntry>> => {
    const q = new URLSearchParams({ limit: "50" });
    if (action) q.set("action", action);
    if (cursor) q.set("cursor", cursor);
    const r = await api<{ entries: AuditEntry[]; next_cursor: string | null }>(`/audit?${q}`);
    return { rows: r.entries, next: r.next_cursor };
  };
  view.append(
    el("h1", { tabindex: -1 }, t("activity.title")),
    el("p", { class: "muted" }, t("activity.intro")),
    el(
      "form",
      { class: "filters", onsubmit: (e: Event) => e.preventDefault() },
      el("label", { for: "f-action" }, t("activity.filter")),
      select,
    ),
    paged(columns(), load, action ? t("activity.emptyFiltered", { action: actionLabel(action) }) : t("activity.empty")),
  );
}
