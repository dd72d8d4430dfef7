import { addTotals, type DecimalTotal, formatTotal, toTotal, ZERO } from "./decimal-sum";
import { type DayRange, daysOf } from "./report-range";

/**
 * What a delivery outcome of one invoice means (over every delivery of every event of it):
 * `exhausted` when any delivery gave up (retries exhausted, or 410 Gone); else `waiting` when any is
 * still pending, or the invoice is held for confirmation with no delivery yet; else `delivered` when it
 * has deliveries and all reached their destination. An invoice with no delivery (not forwarded, no
 * FORWARD_URL, unconfirmed) is in none of the three. Test-mode invoices are left out, like their sums.
 */
export type DeliveryOutcome = "delivered" | "waiting" | "exhausted";

/**
 * An amount summed in SQL without losing a digit: the whole part, and the first 18 fraction digits as
 * two 9-digit integers (each an exact decimal text of a SQLite integer sum), plus the few amounts too
 * long for that (`odd`), which are added here one by one.
 */
export interface AmountParts {
  whole: string;
  hi: string; // fraction digits 1–9, as an integer sum
  lo: string; // fraction digits 10–18
  odd: string | null; // space-separated
}

/** One row of the report query: one (day, currency, test mode, held) group. */
export interface ReportGroup {
  day: string;
  currency: string;
  test: number; // 1: test_mode was true
  held: number; // 1: pending_confirmation or unconfirmed, not (yet) a payment
  invoices: number;
  amount: AmountParts;
  usd: AmountParts;
  usd_known: number;
  delivered: number;
  waiting: number;
  exhausted: number;
}

export interface ReportDay {
  date: string;
  invoices: number;
  test_invoices: number;
  held_invoices: number; // of `invoices`: held for confirmation or unconfirmed, counted but left out of the sums
  by_currency: Record<string, string>;
  amount_usd: string | null; // the sum over the invoices whose USD amount is known; null when none is
  amount_usd_invoices: number; // how many invoices that sum covers
  delivered: number;
  waiting: number;
  exhausted: number;
}

const E18 = 10n ** 18n;
const E9 = 10n ** 9n;

export function partsTotal(p: AmountParts): DecimalTotal {
  let total: DecimalTotal = { units: BigInt(p.whole) * E18 + BigInt(p.hi) * E9 + BigInt(p.lo), scale: 18 };
  for (const v of p.odd ? p.odd.split(" ") : []) total = addTotals(total, toTotal(v) ?? ZERO);
  return total;
}

interface Acc {
  day: ReportDay;
  currencies: Map<string, DecimalTotal>;
  usd: DecimalTotal;
}

/** Folds the query's groups into one entry per day of the range, days without invoices included. */
export function buildReport(range: Pick<DayRange, "from" | "to">, groups: readonly ReportGroup[]): ReportDay[] {
  const acc = new Map<string, Acc>();
  for (const date of daysOf(range)) {
    const day = {
      date,
      invoices: 0,
      test_invoices: 0,
      held_invoices: 0,
      by_currency: {},
      amount_usd: null,
      amount_usd_invoices: 0,
      delivered: 0,
      waiting: 0,
      exhausted: 0,
    };
    acc.set(date, { day, currencies: new Map(), usd: ZERO });
  }
  for (const g of groups) {
    const a = acc.get(g.day);
    if (!a) continue;
    if (g.test === 1) {
      a.day.test_invoices += g.invoices;
      continue;
    }
    a.day.invoices += g.invoices;
    a.day.delivered += g.delivered;
    a.day.waiting += g.waiting;
    a.day.exhausted += g.exhausted;
    if (g.held === 1) {
      a.day.held_invoices += g.invoices;
      continue;
    }
    a.currencies.set(g.currency, addTotals(a.currencies.get(g.currency) ?? ZERO, partsTotal(g.amount)));
    a.day.amount_usd_invoices += g.usd_known;
    a.usd = addTotals(a.usd, partsTotal(g.usd));
  }
  return [...acc.values()].map(({ day, currencies, usd }) => ({
    ...day,
    by_currency: Object.fromEntries([...currencies].sort(([x], [y]) => (x < y ? -1 : 1)).map(([c, t]) => [c, formatTotal(t)])),
    amount_usd: day.amount_usd_invoices > 0 ? formatTotal(usd) : null,
  }));
}
