// How values look: times in local time with UTC on hover, statuses as text labels, and any JSON
// value as a key/value list, so fields the API gains later show up without a page change.
import { type Child, el } from "./el";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function time(iso: string | null | undefined): Child {
  if (!iso) return el("span", { class: "muted" }, "—");
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return el("time", { datetime: iso, title: `${iso} (UTC)` }, local.format(d));
}

export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "none";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}

// Every status has words, not only a colour; the class picks the colour.
const LABELS: Record<string, [string, string]> = {
  paid: ["Paid", "good"],
  overpaid: ["Overpaid", "good"],
  partial: ["Partial (underpaid)", "warn"],
  pending_confirmation: ["Awaiting confirmation", "info"],
  unconfirmed: ["Unconfirmed", "bad"],
  pending: ["Pending", "info"],
  delivered: ["Delivered", "good"],
  failed: ["Failed", "bad"],
  exhausted: ["Exhausted", "bad"],
  ok: ["OK", "good"],
  unhealthy: ["Unhealthy", "bad"],
};

export function badge(status: string | null | undefined): HTMLElement {
  const [label, tone] = LABELS[status ?? ""] ?? [status ?? "—", "info"];
  return el("span", { class: `badge ${tone}`, "data-status": status ?? "" }, label);
}

export function yesNo(v: boolean | null | undefined): string {
  return v === null || v === undefined ? "—" : v ? "yes" : "no";
}

export const humanKey = (k: string): string => (k.charAt(0).toUpperCase() + k.slice(1)).replaceAll("_", " ");

/** Any JSON value: objects become nested key/value lists, ISO strings become times. */
export function value(v: unknown): Child {
  if (v === null || v === undefined) return el("span", { class: "muted" }, "—");
  if (typeof v === "string") return ISO.test(v) ? time(v) : el("span", { class: "val" }, v);
  if (typeof v === "boolean") return yesNo(v);
  if (typeof v === "number") return String(v);
  if (Array.isArray(v))
    return v.length === 0
      ? el("span", { class: "muted" }, "none")
      : el("ul", { class: "plain" }, ...v.map((x) => el("li", null, value(x))));
  return kv(v as Record<string, unknown>);
}

export function kv(o: Record<string, unknown>, keys: string[] = Object.keys(o)): HTMLElement {
  const dd = (k: string) => ((k === "status" || k === "state") && typeof o[k] === "string" ? badge(o[k]) : value(o[k]));
  return el("dl", { class: "kv" }, ...keys.flatMap((k) => [el("dt", null, humanKey(k)), el("dd", null, dd(k))]));
}

export interface Column<T> {
  head: string;
  cell: (row: T) => Child;
  wide?: boolean;
}

/** A table that becomes labelled cards on a phone (the label comes from data-label in CSS). */
export function table<T>(columns: Column<T>[], rows: T[] = []): { node: HTMLElement; add: (rows: T[]) => void } {
  const body = el("tbody");
  const add = (more: T[]) =>
    body.append(
      ...more.map((r) =>
        el("tr", null, ...columns.map((c) => el("td", { "data-label": c.head, class: c.wide ? "wide" : null }, c.cell(r)))),
      ),
    );
  add(rows);
  const head = el("thead", null, el("tr", null, ...columns.map((c) => el("th", { scope: "col" }, c.head))));
  return { node: el("div", { class: "scroll" }, el("table", { class: "grid" }, head, body)), add };
}

/** A table of rows, or a line saying there are none. */
export const rowsOrNone = <T>(columns: Column<T>[], rows: T[], empty: string): HTMLElement =>
  rows.length === 0 ? el("p", { class: "muted" }, empty) : table(columns, rows).node;

export const invoiceLink = (id: string): HTMLElement => el("a", { href: `#/invoice/${encodeURIComponent(id)}`, class: "mono" }, id);
