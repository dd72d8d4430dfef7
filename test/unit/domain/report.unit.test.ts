import { describe, expect, it } from "vitest";
import { formatTotal } from "../../../src/domain/decimal-sum";
import { buildReport, partsTotal, type ReportGroup } from "../../../src/domain/report";

const none = { whole: "0", hi: "0", lo: "0", odd: null };
const group = (over: Partial<ReportGroup>): ReportGroup => ({
  day: "2026-11-30",
  currency: "BTC",
  test: 0,
  held: 0,
  invoices: 1,
  amount: none,
  usd: none,
  usd_known: 0,
  delivered: 0,
  waiting: 0,
  exhausted: 0,
  ...over,
});

describe("partsTotal", () => {
  it("puts the whole part and both 9-digit halves of the fraction together, then the long amounts", () => {
    expect(formatTotal(partsTotal({ whole: "12", hi: "1500000000", lo: "999999999", odd: "0.0000000000000000000001 7" }))).toBe(
      "20.5000000009999999990001", // 12 + 1.5 + 0.000000000999999999 + 1e-22 + 7
    );
  });
});

describe("buildReport", () => {
  it("adds currencies apart and USD across them, leaving test and held groups out of the sums", () => {
    const days = buildReport({ from: "2026-11-30", to: "2026-11-30" }, [
      group({ invoices: 2, amount: { ...none, whole: "1" }, usd: { ...none, whole: "10" }, usd_known: 1, delivered: 2 }),
      group({ currency: "ETH", amount: { ...none, lo: "1" }, usd: { ...none, whole: "5", hi: "500000000" }, usd_known: 1, waiting: 1 }),
      group({ held: 1, amount: { ...none, whole: "1000" }, usd: { ...none, whole: "1000" }, usd_known: 1, waiting: 1 }),
      group({ test: 1, invoices: 4, amount: { ...none, whole: "99" }, usd: { ...none, whole: "99" }, usd_known: 4, exhausted: 4 }),
    ]);
    expect(days).toEqual([
      {
        date: "2026-11-30",
        invoices: 4,
        test_invoices: 4,
        held_invoices: 1,
        by_currency: { BTC: "1", ETH: "0.000000000000000001" },
        amount_usd: "15.5",
        amount_usd_invoices: 2,
        delivered: 2,
        waiting: 2,
        exhausted: 0,
      },
    ]);
  });

  it("says null for USD when no invoice of the day has it, and ignores groups outside the range", () => {
    const days = buildReport({ from: "2026-11-30", to: "2026-11-30" }, [group({}), group({ day: "2026-12-01", invoices: 9 })]);
    expect(days[0]).toMatchObject({ invoices: 1, amount_usd: null, by_currency: { BTC: "0" } });
    expect(days).toHaveLength(1);
  });
});
