import { err, ok, type Result } from "./result";
import { isPaidStatus } from "./status";

/** Which events a destination receives; every part optional, absent means everything. */
export interface DestinationFilter {
  statuses?: string[]; // any of paid, overpaid, partial
  test_mode?: "any" | "live" | "test";
  currencies?: string[]; // upper case
  projects?: string[]; // project slugs; applied once invoices carry a project (today every invoice is `default`)
}

const KEYS = ["statuses", "test_mode", "currencies", "projects"] as const;
const TEST_MODES = ["any", "live", "test"] as const;
const CURRENCY = /^[A-Za-z0-9_]{1,32}$/;
const PROJECT = /^[a-z0-9-]{1,32}$/;

/** A field that failed validation, as `filter.currencies` etc., and why. */
export interface FieldError {
  field: string;
  reason: string;
}

const stringList = (v: unknown, field: string, each: (s: string) => boolean, what: string): Result<string[], FieldError> =>
  Array.isArray(v) && v.length <= 50 && v.every((s) => typeof s === "string" && each(s))
    ? ok([...new Set(v as string[])])
    : err({ field, reason: `must be an array of ${what}` });

/** Validates a filter from a request body; unknown keys are refused (a typo must not mean "everything"). */
export function parseFilter(raw: unknown): Result<DestinationFilter, FieldError> {
  if (raw === undefined || raw === null) return ok({});
  if (typeof raw !== "object" || Array.isArray(raw)) return err({ field: "filter", reason: "must be an object" });
  const r = raw as Record<string, unknown>;
  const unknownKey = Object.keys(r).find((k) => !(KEYS as readonly string[]).includes(k));
  if (unknownKey) return err({ field: `filter.${unknownKey}`, reason: "is not a filter key (statuses, test_mode, currencies, projects)" });
  const out: DestinationFilter = {};
  if (r.statuses !== undefined) {
    const s = stringList(r.statuses, "filter.statuses", isPaidStatus, "paid, overpaid, partial");
    if (!s.ok) return s;
    out.statuses = s.value;
  }
  if (r.test_mode !== undefined) {
    if (!TEST_MODES.includes(r.test_mode as never)) return err({ field: "filter.test_mode", reason: "must be any, live or test" });
    out.test_mode = r.test_mode as DestinationFilter["test_mode"];
  }
  if (r.currencies !== undefined) {
    const s = stringList(r.currencies, "filter.currencies", (x) => CURRENCY.test(x), "currency codes");
    if (!s.ok) return s;
    out.currencies = [...new Set(s.value.map((c) => c.toUpperCase()))];
  }
  if (r.projects !== undefined) {
    const s = stringList(r.projects, "filter.projects", (x) => PROJECT.test(x), "project slugs ([a-z0-9-]{1,32})");
    if (!s.ok) return s;
    out.projects = s.value;
  }
  return ok(out);
}

/** The filter as the API shows it: every part present, with its default. */
export const showFilter = (f: DestinationFilter) => ({
  statuses: f.statuses ?? null,
  test_mode: f.test_mode ?? "any",
  currencies: f.currencies ?? null,
  projects: f.projects ?? null,
});

/** The invoice a filter is matched against (pure twin of the SQL in store/destinations.ts, for tests and the page). */
export interface FilterSubject {
  status: string;
  testMode: number | null;
  currency: string;
  project: string;
}

export function filterMatches(f: DestinationFilter, i: FilterSubject): boolean {
  if (f.statuses && !f.statuses.includes(i.status)) return false;
  if (f.test_mode === "live" && i.testMode === 1) return false;
  if (f.test_mode === "test" && i.testMode !== 1) return false;
  if (f.currencies && !f.currencies.includes(i.currency.toUpperCase())) return false;
  if (f.projects && !f.projects.includes(i.project)) return false;
  return true;
}
