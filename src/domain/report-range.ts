import { err, ok, type Result } from "./result";

/** Most days one report covers: a year, leap day included. */
export const MAX_REPORT_DAYS = 366;
/** Days a report covers when the caller names none. */
export const DEFAULT_REPORT_DAYS = 30;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A range of whole UTC days, both ends included, with the ISO instants that bound it in SQL. */
export interface DayRange {
  from: string; // YYYY-MM-DD
  to: string; // YYYY-MM-DD, included
  startAt: string; // from T00:00:00.000Z: first_received_at >= startAt
  endAt: string; // the day after `to`, T00:00:00.000Z: first_received_at < endAt
}

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));

/** A real calendar day (2026-02-30 is not one), or null. */
function parseDay(raw: string): string | null {
  if (!DAY.test(raw)) return null;
  const t = Date.parse(`${raw}T00:00:00Z`);
  return Number.isNaN(t) || utcDay(new Date(t)) !== raw ? null : raw;
}

export type RangeFailure = { field: "from" | "to"; problem: "invalid" };

/**
 * `from`/`to` as the caller gave them (either may be absent): `to` defaults to today (UTC), `from` to
 * 29 days before `to`. Refused: a day that is not one, `from` after `to`, more than 366 days.
 */
export function dayRange(rawFrom: string | undefined, rawTo: string | undefined, now: Date): Result<DayRange, RangeFailure> {
  const to = rawTo === undefined ? utcDay(now) : parseDay(rawTo);
  if (to === null) return err({ field: "to", problem: "invalid" });
  const from = rawFrom === undefined ? addDays(to, 1 - DEFAULT_REPORT_DAYS) : parseDay(rawFrom);
  if (from === null || from > to || dayCount(from, to) > MAX_REPORT_DAYS) return err({ field: "from", problem: "invalid" });
  return ok({ from, to, startAt: `${from}T00:00:00.000Z`, endAt: `${addDays(to, 1)}T00:00:00.000Z` });
}

/** One whole UTC day as a range. */
export const oneDay = (day: string): DayRange => ({
  from: day,
  to: day,
  startAt: `${day}T00:00:00.000Z`,
  endAt: `${addDays(day, 1)}T00:00:00.000Z`,
});

export const dayCount = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;

/** Every day of the range in order, so days with no invoices still appear. */
export function daysOf(range: Pick<DayRange, "from" | "to">): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}
