// Invoices: newest first, by status, or found by invoice id or exact order_id; "Load more" by cursor;
// "Download CSV" for a range of days.
import { INVOICE_STATUSES } from "../../src/domain/status";
import type { PublicInvoice } from "../../src/domain/wire";
import { ApiError, api } from "../api";
import { el } from "../el";
import { amount, badge, type Column, invoiceLink, statusLabel, time, yesNo } from "../format";
import { t } from "../i18n";
import { projectColumn, projectSelect } from "../projects";
import { type Page, paged } from "../ui";
import { csvDownload } from "./invoices-csv";

const INVOICE_ID = /^(INV-)?[A-Za-z0-9_-]{1,64}$/;

export const invoiceColumns = (): Column<PublicInvoice>[] => [
  { head: t("col.invoice"), cell: (i) => invoiceLink(i.invoice_id) },
  { head: t("col.order"), cell: (i) => el("span", { class: "mono" }, i.order_id ?? "—"), wide: true },
  { head: t("col.status"), cell: (i) => badge(i.status) },
  { head: t("col.amount"), cell: (i) => amount(i.amount_crypto, i.currency) },
  { head: t("col.test"), cell: (i) => yesNo(i.test_mode) },
  { head: t("col.confirmed"), cell: (i) => yesNo(i.confirmed) },
  { head: t("col.received"), cell: (i) => time(i.first_received_at) },
  ...projectColumn<PublicInvoice>(),
];

interface InvoiceList {
  invoices: PublicInvoice[];
  next_cursor: string | null;
}

export function invoices(view: HTMLElement, params: URLSearchParams): void {
  const status = params.get("status") ?? "";
  const q = (params.get("q") ?? "").trim();
  const project = params.get("project") ?? "";
  const go = (next: Record<string, string>) => {
    location.hash = `#/invoices?${new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ""))}`;
  };
  const select = el(
    "select",
    { id: "f-status", name: "status", onchange: () => go({ status: select.value, q, project }) },
    el("option", { value: "" }, t("invoices.allStatuses")),
    ...INVOICE_STATUSES.map((s) => el("option", { value: s, selected: s === status }, statusLabel(s))),
  );
  const search = el("input", {
    id: "f-q",
    name: "q",
    type: "search",
    value: q,
    placeholder: t("invoices.findPlaceholder"),
    autocomplete: "off",
  });
  const form = el(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (e: Event) => {
        e.preventDefault();
        go({ status: select.value, q: search.value.trim(), project });
      },
    },
    ...projectSelect(project, (p) => go({ status: select.value, q, project: p })),
    el("label", { for: "f-status" }, t("col.status")),
    select,
    el("label", { for: "f-q" }, t("invoices.find")),
    search,
    el("button", { type: "submit" }, t("invoices.find")),
    q ? el("a", { href: "#/invoices", class: "button secondary" }, t("invoices.clear")) : null,
  );
  const list = (cursor: string | null, extra: Record<string, string>): Promise<InvoiceList> => {
    const query = new URLSearchParams({ limit: "50", ...extra });
    if (status) query.set("status", status);
    if (project) query.set("project", project);
    if (cursor) query.set("cursor", cursor);
    return api<InvoiceList>(`/invoices?${query}`);
  };
  const load = async (cursor: string | null): Promise<Page<PublicInvoice>> => {
    if (!q) {
      const r = await list(cursor, {});
      return { rows: r.invoices, next: r.next_cursor };
    }
    // Both readings of the query: an invoice id and an exact order_id.
    const [byId, byOrder] = await Promise.all([cursor === null ? findById(q) : null, list(cursor, { order_id: q })]);
    const rows = byOrder.invoices.filter((i) => i.order_id === q && i.invoice_id !== byId?.invoice_id);
    const idMatches = byId && (!status || byId.status === status) && (!project || byId.project === project);
    return { rows: idMatches ? [byId, ...rows] : rows, next: byOrder.next_cursor };
  };
  view.append(
    el("h1", { tabindex: -1 }, q ? t("invoices.matching", { q }) : t("nav.invoices")),
    form,
    paged(invoiceColumns(), load, q ? t("invoices.noMatch") : t("invoices.none")),
    csvDownload(status, project),
  );
}

async function findById(q: string): Promise<PublicInvoice | null> {
  if (!INVOICE_ID.test(q)) return null;
  try {
    return await api<PublicInvoice>(`/invoices/${encodeURIComponent(q)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
