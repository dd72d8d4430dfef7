// How values look: times in local time with UTC on hover, statuses as text labels, exact amounts in
// the language's notation, and any JSON value as designed key/value rows, so fields the API gains
// later show up without a page change and nested results never grow sideways.
import { type Child, el } from "./el";
import { dateTime, decimal, num, t, tMaybe } from "./i18n";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Nesting deeper than this is shown as JSON text: rows keep their indent bounded at any depth. */
const MAX_DEPTH = 3;
/** Fields that hold an exact amount (a decimal string): written in the language's notation. */
const MONEY = new Set(["amount_crypto", "amount_usd", "amount", "received"]);

export function time(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return el("span", { class: "muted" }, "—");
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return el("time", { datetime: iso, title: `${iso} (UTC)` }, dateTime(d));
}

export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return t("age.none");
  if (seconds < 60) return t("age.s", { s: seconds });
  if (seconds < 3600) return t("age.ms", { m: Math.floor(seconds / 60), s: seconds % 60 });
  if (seconds < 86400) return t("age.hm", { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60) });
  return t("age.dh", { d: Math.floor(seconds / 86400), h: Math.floor((seconds % 86400) / 3600) });
}

// Every status has words, not only a colour; the class picks the colour. A state this page does not
// know yet (a newer Worker's) shows its own name.
const TONES: Record<string, string> = {
  paid: "good",
  overpaid: "good",
  partial: "warn",
  unconfirmed: "bad",
  delivered: "good",
  failed: "bad",
  exhausted: "bad",
  ok: "good",
  unhealthy: "bad",
};

export const statusLabel = (status: string): string => tMaybe(`status.${status}`) ?? status;

export function badge(status: string | null | undefined): HTMLElement {
  const s = status ?? "";
  return el("span", { class: `badge ${TONES[s] ?? "info"}`, "data-status": s }, s ? statusLabel(s) : "—");
}

export function yesNo(v: boolean | null | undefined): string {
  return v === null || v === undefined ? "—" : v ? t("common.yes") : t("common.no");
}

/** A field's label: translated when the page knows the field, else its name made readable. */
export const humanKey = (k: string): string => tMaybe(`field.${k}`) ?? (k.charAt(0).toUpperCase() + k.slice(1)).replaceAll("_", " ");

/** An exact amount with its currency. */
export const amount = (value: string, currency: string): HTMLElement =>
  el("span", { class: "mono" }, t("common.amount", { amount: decimal(value), currency }));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A scalar or a list of scalars; objects are kv()'s rows. */
export function value(v: unknown): Child {
  if (v === null || v === undefined) return el("span", { class: "muted" }, "—");
  if (typeof v === "string") return ISO.test(v) ? time(v) : el("span", { class: "val" }, v);
  if (typeof v === "boolean") return yesNo(v);
  if (typeof v === "number") return num(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return el("span", { class: "muted" }, t("common.none"));
    if (!v.some(isObject)) return el("ul", { class: "plain" }, ...v.map((x) => el("li", null, value(x))));
    return kv(numbered(v));
  }
  if (isObject(v)) return Object.keys(v).length === 0 ? el("span", { class: "muted" }, t("common.none")) : kv(v);
  return String(v);
}

/** A list of objects as an object with "#1", "#2", … keys, so its items become groups of rows. */
const numbered = (v: unknown[]): Record<string, unknown> => Object.fromEntries(v.map((x, i) => [`#${i + 1}`, x]));

/**
 * Key/value rows in one grid: a nested object becomes a group heading and its fields indented rows
 * below it (never a grid inside a grid, whose columns would add up past a phone's width).
 */
export function kv(o: Record<string, unknown>, keys: string[] = Object.keys(o)): HTMLElement {
  const dl = el("dl", { class: "kv" });
  const rows = (obj: Record<string, unknown>, ks: string[], depth: number): void => {
    for (const k of ks) {
      const raw = obj[k];
      const v = Array.isArray(raw) && raw.some(isObject) ? numbered(raw) : raw;
      const dt = el("dt", { "data-depth": depth || null }, humanKey(k));
      if (isObject(v) && Object.keys(v).length > 0 && depth < MAX_DEPTH) {
        dt.classList.add("group");
        dl.append(dt);
        rows(v, Object.keys(v), depth + 1);
      } else {
        const shown =
          (k === "status" || k === "state") && typeof v === "string"
            ? badge(v)
            : MONEY.has(k) && typeof v === "string"
              ? el("span", { class: "mono" }, decimal(v))
              : isObject(v) && Object.keys(v).length > 0
                ? el("code", null, JSON.stringify(v))
                : value(v);
        dl.append(dt, el("dd", null, shown));
      }
    }
  };
  rows(o, keys, 0);
  return dl;
}

export interface Column<T> {
  head: string;
  cell: (row: T) => Child;
  wide?: boolean;
}

/** A table that becomes labelled rows on a phone (the label comes from data-label in CSS). */
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
