// Activity: the audit log (GET /audit), newest first: who did what, to what, and what came of it.
// Filtered by action; "Load more" by cursor.
import { api } from "../api";
import { el } from "../el";
import { type Column, invoiceLink, time, value } from "../format";
import { type Actor, actorName } from "../session";
import type { Page } from "../types";
import { paged } from "../ui";

// Every user-visible string of this file (the translation table takes them from here).
const TEXT = {
  title: "Activity",
  intro: "Every action that changed something, newest first: redeliveries, reconciliations, alert tests and destination changes.",
  when: "When",
  who: "Who",
  action: "Action",
  target: "Target",
  result: "Result",
  request: "Request id",
  filter: "Action",
  allActions: "All actions",
  empty: "Nothing has been done yet.",
  emptyFiltered: (action: string) => `No “${action}” entries yet.`,
  actions: {
    "invoice.redeliver": "Redeliver an invoice",
    "deliveries.redeliver": "Redeliver in bulk",
    "reconcile.run": "Reconcile now",
    "alert.test": "Test alerts",
  } as Record<string, string>,
};

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

const columns: Column<AuditEntry>[] = [
  { head: TEXT.when, cell: (e) => time(e.at) },
  { head: TEXT.who, cell: (e) => actorName(e.actor) },
  { head: TEXT.action, cell: (e) => el("span", { title: e.action }, TEXT.actions[e.action] ?? e.action) },
  {
    head: TEXT.target,
    cell: (e) =>
      e.target === null ? "—" : INVOICE_ACTIONS.includes(e.action) ? invoiceLink(e.target) : el("span", { class: "mono" }, e.target),
  },
  { head: TEXT.result, cell: (e) => (Object.keys(e.summary).length ? value(e.summary) : "—"), wide: true },
  { head: TEXT.request, cell: (e) => el("span", { class: "mono small" }, e.request_id) },
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
    el("option", { value: "" }, TEXT.allActions),
    ...Object.entries(TEXT.actions).map(([a, label]) => el("option", { value: a, selected: a === action }, label)),
  );
  const load = async (cursor: string | null): Promise<Page<AuditEntry>> => {
    const q = new URLSearchParams({ limit: "50" });
    if (action) q.set("action", action);
    if (cursor) q.set("cursor", cursor);
    const r = await api<{ entries: AuditEntry[]; next_cursor: string | null }>(`/audit?${q}`);
    return { rows: r.entries, next: r.next_cursor };
  };
  view.append(
    el("h1", { tabindex: -1 }, TEXT.title),
    el("p", { class: "muted" }, TEXT.intro),
    el("form", { class: "filters", onsubmit: (e: Event) => e.preventDefault() }, el("label", { for: "f-action" }, TEXT.filter), select),
    paged(columns, load, action ? TEXT.emptyFiltered(TEXT.actions[action] ?? action) : TEXT.empty),
  );
}
