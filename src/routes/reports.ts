import { Hono } from "hono/tiny";
import { fail } from "../domain/errors";
import { buildReport } from "../domain/report";
import { csvHeader, csvRow } from "../domain/report-csv";
import { type DayRange, dayRange } from "../domain/report-range";
import { INVOICE_STATUSES } from "../domain/status";
import type { AppEnv } from "../http/context";
import { enumParam, queryOf } from "../http/query";
import { dailyGroups, type ExportQuery, exportCount, exportPage } from "../store/reports";
import { requireApiToken } from "./auth";

/** GET /reports/daily and GET /invoices.csv: mounted at the root, so each route carries its own auth. */
export const reports = new Hono<AppEnv>();

/** Rows per D1 query of the export; with MAX_EXPORT_ROWS this keeps one export within 41 D1 queries, the count included (the free plan allows 50 a request). */
export const CSV_PAGE_ROWS = 2500;
export const MAX_EXPORT_ROWS = 100_000;

const SLUG = /^[a-z0-9-]{1,32}$/;

/** `project=`: one shop's slug (`default` for the single-project variables); empty or absent: every shop. */
function projectParam(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  return SLUG.test(raw) ? raw : fail({ code: "invalid_query", field: "project", problem: "invalid" });
}

function rangeParam(q: Record<string, string | undefined>, now: Date): DayRange {
  const range = dayRange(q.from || undefined, q.to || undefined, now);
  return range.ok ? range.value : fail({ code: "invalid_query", field: range.error.field, problem: "invalid" });
}

reports.get("/reports/daily", requireApiToken, async (c) => {
  const q = queryOf(c.req.url, ["from", "to", "project"]);
  const range = rangeParam(q, new Date());
  const groups = await dailyGroups(c.env.DB, range, projectParam(q.project));
  return c.json({ days: buildReport(range, groups) });
});

reports.get("/invoices.csv", requireApiToken, async (c) => {
  const q = queryOf(c.req.url, ["from", "to", "project", "status"]);
  const query: ExportQuery = {
    range: rangeParam(q, new Date()),
    status: enumParam(q.status, "status", INVOICE_STATUSES),
    project: projectParam(q.project),
  };
  const rows = await exportCount(c.env.DB, query);
  if (rows > MAX_EXPORT_ROWS) return fail({ code: "export_too_large", rows, limit: MAX_EXPORT_ROWS });
  return new Response(exportStream(c.env.DB, query, rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="invoices-${query.range.from}-${query.range.to}.csv"`,
    },
  });
});

/**
 * The CSV, one page per pull: a page is read only when the client has taken the previous one, so a
 * 100,000-row export never sits in memory. Keyset pages (after the last row's time and id) never skip
 * or repeat a row. It stops at the count taken before the first byte (invoices arriving meanwhile are
 * newer, so they would come last): one D1 query per page and none wasted on an empty last page.
 */
function exportStream(db: D1Database, query: ExportQuery, total: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: { at: string; id: string } | null = null;
  let remaining = total;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvHeader()));
      if (remaining === 0) controller.close();
    },
    async pull(controller) {
      const rows = await exportPage(db, query, after, Math.min(CSV_PAGE_ROWS, remaining));
      remaining -= rows.length;
      if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(csvRow).join("")));
      const last = rows[rows.length - 1];
      if (remaining <= 0 || !last) controller.close();
      else after = { at: last.first_received_at, id: last.invoice_id };
    },
  });
}
