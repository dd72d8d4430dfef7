import { describe, expect, it } from "vitest";
import { dayRange, daysOf } from "../../../src/domain/report-range";

const now = new Date("2026-12-01T23:59:59.999Z");

describe("dayRange", () => {
  it("defaults to the 30 UTC days ending today", () => {
    expect(dayRange(undefined, undefined, now)).toEqual({
      ok: true,
      value: { from: "2026-11-02", to: "2026-12-01", startAt: "2026-11-02T00:00:00.000Z", endAt: "2026-12-02T00:00:00.000Z" },
    });
  });

  it("takes one day, both ends included", () => {
    const r = dayRange("2026-02-28", "2026-02-28", now);
    expect(r.ok && r.value).toMatchObject({ startAt: "2026-02-28T00:00:00.000Z", endAt: "2026-03-01T00:00:00.000Z" });
  });

  it("counts back 29 days from a given `to`", () => {
    const r = dayRange(undefined, "2024-03-10", now);
    expect(r.ok && r.value.from).toBe("2024-02-10");
  });

  it.each([
    ["2026-02-29", "2026-03-01", "from"],
    ["2026-01-01", "2026-13-01", "to"],
    ["2026-03-02", "2026-03-01", "from"],
    ["2025-01-01", "2026-01-02", "from"],
    ["2026-1-01", "2026-01-02", "from"],
  ])("refuses %s to %s as an invalid %s", (from, to, field) => {
    expect(dayRange(from, to, now)).toEqual({ ok: false, error: { field, problem: "invalid" } });
  });

  it("allows 366 days", () => {
    expect(dayRange("2024-01-01", "2024-12-31", now).ok).toBe(true);
  });
});

describe("daysOf", () => {
  it("lists every day across a month end", () => {
    expect(daysOf({ from: "2026-02-27", to: "2026-03-02" })).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
  });
});
