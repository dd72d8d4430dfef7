// The overview's last 30 UTC days from GET /reports/daily: invoices per day and the amount in USD,
// drawn as inline SVG by the page (no chart library), with the same numbers as a table for screen
// readers and for anyone who wants them exact. An older Worker without the route (404) hides it.
import type { ApiDailyReport, ApiDailyRow } from "../../src/domain/wire";
import { ApiError, api } from "../api";
import { el, fill, svg } from "../el";
import { type Column, rowsOrNone } from "../format";
import { day, decimal, num, t } from "../i18n";
import { errorBox, section } from "../ui";

export const DAYS = 30;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The last `DAYS` UTC days ending today, oldest first, as the query's from/to. */
export function lastDays(now = Date.now()): { from: string; to: string; dates: string[] } {
  const dates = Array.from({ length: DAYS }, (_, i) => isoDay(now - (DAYS - 1 - i) * 86_400_000));
  return { from: dates[0] as string, to: dates[DAYS - 1] as string, dates };
}

const EXACT = /^\d+(?:\.\d+)?$/;
/** The exact sum of decimal strings (BigInt at the longest scale): money is never added as floats. */
export function sumDecimals(xs: string[]): string {
  const ok = xs.filter((x) => EXACT.test(x));
  const scale = Math.max(0, ...ok.map((x) => (x.split(".")[1] ?? "").length));
  const total = ok.reduce((sum, x) => {
    const [whole = "0", frac = ""] = x.split(".");
    return sum + BigInt(whole + frac.padEnd(scale, "0"));
  }, 0n);
  const s = total.toString().padStart(scale + 1, "0");
  return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

interface Series {
  label: string; // the chart's caption and accessible name
  of: (r: ApiDailyRow) => number | null; // null: not known that day
  title: (r: ApiDailyRow) => string; // a bar's tooltip
  top: (r: ApiDailyRow) => string; // the y axis' top label, from the day with the most
}

/** One bar chart, a bar per day, scaled to the largest; a null value is drawn as a hatched bar. */
function bars(rows: ApiDailyRow[], s: Series): HTMLElement {
  const values = rows.map(s.of);
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const most = rows[values.indexOf(max)];
  const rects = rows.map((r, i) => {
    const v = values[i] ?? null;
    // A day with something on it is at least a sliver, so it never looks like an empty day.
    const h = v === null ? 100 : max > 0 && v > 0 ? Math.max((v / max) * 100, 2) : 0;
    const attrs = { x: i * 10 + 1, y: 100 - h, width: 8, height: h, class: v === null ? "unknown" : "bar" };
    return svg("rect", attrs, svg("title", {}, s.title(r)));
  });
  const box = { viewBox: `0 0 ${rows.length * 10} 100`, preserveAspectRatio: "none", role: "img", "aria-label": s.label, class: "bars" };
  return el(
    "figure",
    { class: "chart" },
    el(
      "figcaption",
      null,
      el("span", null, s.label),
      el("span", { class: "axis-max", "aria-hidden": "true" }, t("chart.peak", { value: most && max > 0 ? s.top(most) : "0" })),
    ),
    el("div", { class: "plot" }, svg("svg", box, ...rects)),
    el(
      "p",
      { class: "axis-x", "aria-hidden": "true" },
      el("span", null, day(rows[0]?.date ?? "")),
      el("span", null, day(rows.at(-1)?.date ?? "")),
    ),
  );
}

const money = (r: ApiDailyRow): string =>
  Object.entries(r.by_currency)
    .map(([currency, amount]) => t("common.amount", { amount: decimal(amount), currency }))
    .join(", ") || "—";

const columns = (): Column<ApiDailyRow>[] => [
  { head: t("chart.col.date"), cell: (r) => el("time", { datetime: r.date }, day(r.date, true)) },
  { head: t("chart.col.invoices"), cell: (r) => num(r.invoices) },
  { head: t("chart.col.test"), cell: (r) => num(r.test_invoices) },
  { head: t("chart.col.usd"), cell: (r) => (r.amount_usd === null ? t("chart.unknown") : decimal(r.amount_usd)) },
  { head: t("chart.col.amounts"), cell: (r) => el("span", { class: "mono" }, money(r)), wide: true },
  { head: t("chart.col.delivered"), cell: (r) => num(r.delivered) },
  { head: t("chart.col.waiting"), cell: (r) => num(r.waiting) },
  { head: t("chart.col.exhausted"), cell: (r) => num(r.exhausted) },
];

/** Every day of the range, a day the report leaves out counted as empty. */
export function allDays(report: ApiDailyReport, dates: string[]): ApiDailyRow[] {
  const byDate = new Map(report.days.map((d) => [d.date, d]));
  const empty = { invoices: 0, test_invoices: 0, by_currency: {}, amount_usd: "0", delivered: 0, waiting: 0, exhausted: 0 };
  return dates.map((date) => byDate.get(date) ?? { date, ...empty });
}

function draw(rows: ApiDailyRow[]): HTMLElement[] {
  const known = rows.filter((r) => r.amount_usd !== null).map((r) => r.amount_usd as string);
  const invoices = rows.reduce((n, r) => n + r.invoices, 0);
  const usd = decimal(sumDecimals(known));
  const total =
    known.length === rows.length ? t("chart.total", { count: invoices, usd }) : t("chart.totalPartial", { count: invoices, usd });
  return [
    el("p", { class: "big" }, total),
    el(
      "div",
      { class: "cols" },
      bars(rows, {
        label: t("chart.invoices"),
        of: (r) => r.invoices,
        title: (r) => t("chart.invoicesOn", { day: day(r.date, true), count: r.invoices }),
        top: (r) => num(r.invoices),
      }),
      bars(rows, {
        label: t("chart.usd"),
        // Number() only for a bar's height: what the page shows of an amount is the exact string.
        of: (r) => (r.amount_usd === null ? null : Number(r.amount_usd)),
        title: (r) =>
          r.amount_usd === null
            ? t("chart.usdUnknownOn", { day: day(r.date, true) })
            : t("chart.usdOn", { day: day(r.date, true), usd: decimal(r.amount_usd) }),
        top: (r) => decimal(r.amount_usd ?? "0"),
      }),
    ),
    el("details", null, el("summary", null, t("chart.table")), rowsOrNone(columns(), [...rows].reverse(), t("common.none"))),
  ];
}

/** The card; it removes itself when the Worker has no daily report (404). */
export function dailyCard(project = ""): HTMLElement {
  const box = el("div", null, el("p", { class: "muted" }, t("common.loading")));
  const card = section(t("chart.title"), box);
  card.id = "daily";
  const { from, to, dates } = lastDays();
  api<ApiDailyReport>(`/reports/daily?${new URLSearchParams({ from, to, ...(project ? { project } : {}) })}`).then(
    (r) => fill(box, ...draw(allDays(r, dates))),
    (e) => (e instanceof ApiError && e.status === 404 ? card.remove() : fill(box, errorBox(e))),
  );
  return card;
}
