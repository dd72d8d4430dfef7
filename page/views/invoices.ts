// Invoices: newest first, by status, or found by invoice id or exact order_id; "Load more" by cursor.
import { ApiError, api } from "../api";
import { el } from "../el";
import { badge, type Column, invoiceLink, time, yesNo } from "../format";
import type { Invoice, Page } from "../types";
import { paged } from "../ui";

export const STATUSES = ["paid", "overpaid", "partial", "pending_confirmation", "unconfirmed"];
const INVOICE_ID = /^(INV-)?[A-Za-z0-9_-]{1,64}$/;

export const invoiceColumns: Column<Invoice>[] = [
  { head: "Invoice", cell: (i) => invoiceLink(i.invoice_id) },
  { head: "Order", cell: (i) => el("span", { class: "mono" }, i.order_id ?? "—"), wide: true },
  { head: "Status", cell: (i) => badge(i.status) },
  { head: "Amount", cell: (i) => el("span", { class: "mono" }, `${i.amount_crypto} ${i.currency}`) },
  { head: "Test", cell: (i) => yesNo(i.test_mode) },
  { head: "Confirmed", cell: (i) => yesNo(i.confirmed) },
  { head: "Received", cell: (i) => time(i.first_received_at) },
];

interface InvoiceList {
  invoices: Invoice[];
  next_cursor: string | null;
}

export function invoices(view: HTMLElement, params: URLSearchParams): void {
  const status = params.get("status") ?? "";
  const q = (params.get("q") ?? "").trim();
  const go = (next: Record<string, string>) => {
    location.hash = `#/invoices?${new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ""))}`;
  };
  const select = el(
    "select",
    { id: "f-status", name: "status", onchange: () => go({ status: select.value, q }) },
    el("option", { value: "" }, "All statuses"),
    ...STATUSES.map((s) => el("option", { value: s, selected: s === status }, s.replaceAll("_", " "))),
  );
  const search = el("input", {
    id: "f-q",
    name: "q",
    type: "search",
    value: q,
    placeholder: "Invoice id or exact order_id",
    autocomplete: "off",
  });
  const form = el(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (e: Event) => {
        e.preventDefault();
        go({ status: select.value, q: search.value.trim() });
      },
    },
    el("label", { for: "f-status" }, "Status"),
    select,
    el("label", { for: "f-q" }, "Find"),
    search,
    el("button", { type: "submit" }, "Find"),
    q ? el("a", { href: "#/invoices", class: "button secondary" }, "Clear") : null,
  );
  const list = (cursor: string | null, extra: Record<string, string>): Promise<InvoiceList> => {
    const query = new URLSearchParams({ limit: "50", ...extra });
    if (status) query.set("status", status);
    if (cursor) query.set("cursor", cursor);
    return api<InvoiceList>(`/invoices?${query}`);
  };
  const load = async (cursor: string | null): Promise<Page<Invoice>> => {
    if (!q) {
      const r = await list(cursor, {});
      return { rows: r.invoices, next: r.next_cursor };
    }
    // Both readings of the query: an invoice id and an exact order_id.
    const [byId, byOrder] = await Promise.all([cursor === null ? findById(q) : null, list(cursor, { order_id: q })]);
    const rows = byOrder.invoices.filter((i) => i.order_id === q && i.invoice_id !== byId?.invoice_id);
    return { rows: byId && (!status || byId.status === status) ? [byId, ...rows] : rows, next: byOrder.next_cursor };
  };
  view.append(
    el("h1", { tabindex: -1 }, q ? `Invoices matching “${q}”` : "Invoices"),
    form,
    paged(invoiceColumns, load, q ? "No invoice has that id or order_id." : "No invoices yet."),
  );
}

async function findById(q: string): Promise<Invoice | null> {
  if (!INVOICE_ID.test(q)) return null;
  try {
    return await api<Invoice>(`/invoices/${encodeURIComponent(q)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
