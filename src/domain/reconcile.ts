import { type ApiInvoice, readApiInvoice } from "./api-invoice";
import { apiFailure, parseReply } from "./confirmation";
import { err, ok, type Result } from "./result";

/** merchant/list returns at most this many items a request. */
export const PAGE_SIZE = 100;
/** API requests one run may make; a run that needs more resumes on the next cron. */
export const MAX_REQUESTS_PER_RUN = 50;

/**
 * Where a listing stands: the window (dd.mm.yyyy, both included), the next offset, and how `limit`
 * is read. The docs describe `limit` both as a count and as "the last record's number"; every SDK
 * sends a count, so that is tried first (see nextRequest). `project` is the one project id seen
 * so far when CRYPTOCLOUD_PROJECT_ID is not set.
 */
export interface ListCursor {
  start: string;
  end: string;
  offset: number;
  mode: "count" | "end" | "probe"; // probe: asking once with the other reading of `limit`
  project: string | null;
}

const ddmmyyyy = (d: Date): string =>
  `${String(d.getUTCDate()).padStart(2, "0")}.${String(d.getUTCMonth() + 1).padStart(2, "0")}.${d.getUTCFullYear()}`;

/** The window a run lists: `since` (a UTC day) or `lookbackDays` back, today included, up to today. */
export function listWindow(now: Date, from: { lookbackDays: number } | { since: Date }): { start: string; end: string } {
  const start = "since" in from ? from.since : new Date(now.getTime() - (from.lookbackDays - 1) * 86_400_000);
  return { start: ddmmyyyy(start), end: ddmmyyyy(now) };
}

/** A `since` query value: YYYY-MM-DD, not in the future and at most 31 days back. */
export function parseSinceDay(raw: string, now: Date): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return null;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== raw) return null;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return day.getTime() > today || today - day.getTime() > 30 * 86_400_000 ? null : day;
}

export const firstCursor = (window: { start: string; end: string }): ListCursor => ({ ...window, offset: 0, mode: "count", project: null });

/** The JSON body of the request for this cursor. */
export const nextRequest = (c: ListCursor) => ({
  start: c.start,
  end: c.end,
  offset: c.offset,
  limit: c.mode === "count" ? PAGE_SIZE : c.offset + PAGE_SIZE,
});

export type PageFailure = { kind: "unauthorized" } | { kind: "api_error"; reason: string };

/** Reads one merchant/list reply into items (invalid ones kept as errors, to be counted and logged). */
export function readListPage(httpStatus: number, body: string): Result<Result<ApiInvoice, string>[], PageFailure> {
  const parsed = parseReply(body);
  if (parsed === undefined && httpStatus < 300) return err({ kind: "api_error", reason: "unreadable_reply" });
  const failure = apiFailure(httpStatus, parsed);
  if (failure === "unauthorized") return err({ kind: "unauthorized" });
  if (failure !== null) return err({ kind: "api_error", reason: failure });
  const result = (parsed as Record<string, unknown>).result;
  if (!Array.isArray(result)) return err({ kind: "api_error", reason: "result_not_a_list" });
  return ok(result.map(readApiInvoice));
}

/**
 * After a page of `count` items of which `fresh` were not seen before in this run: the cursor for
 * the next request, or null when the listing is complete. Stops at a short page or a page that adds
 * nothing new; a full first page followed by an empty one is asked once more with the other reading.
 */
export function afterPage(cursor: ListCursor, count: number, fresh: number): ListCursor | null {
  if (cursor.mode === "probe") return count > 0 && fresh > 0 ? { ...cursor, mode: "end", offset: cursor.offset + PAGE_SIZE } : null;
  if (count === 0 && cursor.mode === "count" && cursor.offset === PAGE_SIZE) return { ...cursor, mode: "probe" };
  if (count < PAGE_SIZE || fresh === 0) return null;
  return { ...cursor, offset: cursor.offset + PAGE_SIZE };
}

export type ItemVerdict = { kind: "candidate"; invoice: ApiInvoice } | { kind: "ignored"; reason: string };

/** Which listed items may be recovered: paid, overpaid or partial, and this shop's. */
export function classifyItem(item: Result<ApiInvoice, string>, projectIds: readonly string[]): ItemVerdict {
  if (!item.ok) return { kind: "ignored", reason: `invalid: ${item.error}` };
  const invoice = item.value;
  if (projectIds.length > 0 && (invoice.projectId === null || !projectIds.includes(invoice.projectId))) {
    return { kind: "ignored", reason: "other_project" };
  }
  if (invoice.paid === null) return { kind: "ignored", reason: `status_${invoice.status || "missing"}` };
  return { kind: "candidate", invoice };
}

/**
 * Without CRYPTOCLOUD_PROJECT_ID the key must see one project only: the project ids on this page
 * and the one seen before. Returns the one project (or null when none is named), or every id seen.
 */
export function singleProject(seen: string | null, items: readonly Result<ApiInvoice, string>[]): Result<string | null, string[]> {
  const ids = new Set<string>(seen === null ? [] : [seen]);
  for (const i of items) if (i.ok && i.value.projectId !== null) ids.add(i.value.projectId);
  return ids.size > 1 ? err([...ids].sort()) : ok([...ids][0] ?? null);
}
