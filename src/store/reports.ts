import type { InvoiceRow } from "../domain/invoice";
import type { AmountParts, ReportGroup } from "../domain/report";
import type { DayRange } from "../domain/report-range";

/** One shop's invoices (`invoices.project`, a slug), or every shop's when the parameter is NULL. */
const projectFilter = (param: string): string => `AND (${param} IS NULL OR i.project = ${param})`;

// An amount column split into integers SQLite can sum exactly: the whole part (at most 12 digits) and
// the first 18 fraction digits as two 9-digit halves. Longer amounts are carried as text (`odd`).
const dot = (x: string) => `instr(${x}, '.')`;
const whole = (x: string) => `iif(${dot(x)} = 0, ${x}, substr(${x}, 1, ${dot(x)} - 1))`;
const frac = (x: string) => `iif(${dot(x)} = 0, '', substr(${x}, ${dot(x)} + 1))`;
const fits = (x: string) => `(length(${whole(x)}) BETWEEN 1 AND 12 AND length(${frac(x)}) <= 18)`;
const frac18 = (x: string) => `substr(${frac(x)} || '000000000000000000', 1, 18)`;
const summed = (x: string, part: string) => `coalesce(CAST(sum(iif(${fits(x)}, CAST(${part} AS INTEGER), 0)) AS TEXT), '0')`;
const parts = (x: string, p: string) =>
  `${summed(x, whole(x))} AS ${p}_whole, ${summed(x, `substr(${frac18(x)}, 1, 9)`)} AS ${p}_hi,
   ${summed(x, `substr(${frac18(x)}, 10, 9)`)} AS ${p}_lo, group_concat(iif(${fits(x)}, NULL, ${x}), ' ') AS ${p}_odd`;

const USD = "json_extract(i.detail_json, '$.api.amount_usd')";

/** The delivery outcome of one invoice (see DeliveryOutcome), from its deliveries (deliveries_invoice index). */
export const OUTCOME_SQL = `(SELECT CASE
    WHEN count(*) = 0 THEN iif(i.status = 'pending_confirmation', 'waiting', NULL)
    WHEN sum(d.state IN ('exhausted', 'failed')) > 0 THEN 'exhausted'
    WHEN sum(d.state = 'pending') > 0 THEN 'waiting'
    ELSE 'delivered' END
  FROM deliveries d WHERE d.invoice_id = i.invoice_id)`;

/**
 * The daily report's one query: the invoices first received in the range (a range search on
 * invoices_newest, never a scan), grouped by UTC day, currency, test mode and held (below paid).
 */
export const DAILY_SQL = `
WITH picked AS (
  SELECT substr(i.first_received_at, 1, 10) AS day, i.currency, iif(i.test_mode = 1, 1, 0) AS test, iif(i.status_rank = 0, 1, 0) AS held,
    i.amount_crypto AS amount,
    iif(json_type(i.detail_json, '$.api.amount_usd') = 'text' AND ${USD} GLOB '[0-9]*' AND ${USD} NOT GLOB '*[^0-9.]*', ${USD}, NULL) AS usd,
    ${OUTCOME_SQL} AS outcome
  FROM invoices i
  WHERE i.first_received_at >= ?1 AND i.first_received_at < ?2 ${projectFilter("?3")}
)
SELECT day, currency, test, held, count(*) AS invoices, ${parts("amount", "amount")}, ${parts("usd", "usd")}, count(usd) AS usd_known,
  sum(outcome = 'delivered') AS delivered, sum(outcome = 'waiting') AS waiting, sum(outcome = 'exhausted') AS exhausted
FROM picked GROUP BY day, currency, test, held`;

type Row = Record<string, string | number | null>;
const partsOf = (r: Row, p: string): AmountParts => ({
  whole: String(r[`${p}_whole`] ?? "0"),
  hi: String(r[`${p}_hi`] ?? "0"),
  lo: String(r[`${p}_lo`] ?? "0"),
  odd: (r[`${p}_odd`] as string | null) ?? null,
});

export async function dailyGroups(db: D1Database, range: DayRange, project: string | null): Promise<ReportGroup[]> {
  const { results } = await db.prepare(DAILY_SQL).bind(range.startAt, range.endAt, project).all<Row>();
  return results.map((r) => ({
    day: String(r.day),
    currency: String(r.currency),
    test: Number(r.test),
    held: Number(r.held),
    invoices: Number(r.invoices),
    amount: partsOf(r, "amount"),
    usd: partsOf(r, "usd"),
    usd_known: Number(r.usd_known),
    delivered: Number(r.delivered ?? 0),
    waiting: Number(r.waiting ?? 0),
    exhausted: Number(r.exhausted ?? 0),
  }));
}

export interface ExportQuery {
  range: DayRange;
  status: string | null;
  project: string | null;
}

const exportWhere = `i.first_received_at >= ?1 AND i.first_received_at < ?2 AND (?3 IS NULL OR i.status = ?3) ${projectFilter("?4")}`;
const exportParams = (q: ExportQuery): unknown[] => [q.range.startAt, q.range.endAt, q.status, q.project];

/** How many invoices the export holds: checked before the first byte, so a too-large export is a clean 400. */
export async function exportCount(db: D1Database, q: ExportQuery): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM invoices i WHERE ${exportWhere}`)
    .bind(...exportParams(q))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const PAGE_AFTER = exportParams({ range: { from: "", to: "", startAt: "", endAt: "" }, status: null, project: null }).length;
/** One page of the export, oldest first, after the (first_received_at, invoice_id) of the last row sent: a range search on invoices_newest. */
export const EXPORT_PAGE_SQL = `SELECT i.* FROM invoices i WHERE ${exportWhere}
  AND (?${PAGE_AFTER + 1} IS NULL OR (i.first_received_at, i.invoice_id) > (?${PAGE_AFTER + 1}, ?${PAGE_AFTER + 2}))
  ORDER BY i.first_received_at, i.invoice_id LIMIT ?${PAGE_AFTER + 3}`;

export async function exportPage(
  db: D1Database,
  q: ExportQuery,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<InvoiceRow[]> {
  const { results } = await db
    .prepare(EXPORT_PAGE_SQL)
    .bind(...exportParams(q), after?.at ?? null, after?.id ?? null, limit)
    .all<InvoiceRow>();
  return results;
}
