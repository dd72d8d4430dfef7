import { describe, expect, it } from "vitest";
import { type AlertKind, alertBody, summarize } from "../../../src/domain/alert";
import { clip, formatNumber, MAX_VALUE_CHARS, TEXTS } from "../../../src/domain/alert-text";
import { digestText } from "../../../src/domain/digest";

const NOW = new Date("2026-12-01T09:00:00.000Z");
const KINDS = Object.keys(TEXTS.en) as Exclude<AlertKind, "report.daily">[];
const DATA = {
  invoice_id: "DZLF4212",
  order_id: "ORD-1",
  destination: "https://shop.example/hook",
  last_error: "http_5xx",
  consecutive_failures: 5,
  invoice_ids: ["A", "B"],
  oldest_pending_age_seconds: 3700,
  pending: 1234,
};

describe("alert texts", () => {
  it("has English and Russian for every kind, and each differs", () => {
    expect(Object.keys(TEXTS.ru).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) {
      const en = summarize(kind, DATA, "en");
      const ru = summarize(kind, DATA, "ru");
      expect(ru).not.toBe(en);
      expect(ru).toMatch(/[а-яё]/i);
      expect(en).not.toMatch(/[а-яё]/i);
    }
  });

  it("bounds every interpolated value, so an attacker's order id cannot fill the message", () => {
    const long = `=${"x".repeat(5000)}`;
    for (const lang of ["en", "ru"] as const) {
      const line = summarize("delivery.exhausted", { ...DATA, order_id: long, last_error: long }, lang);
      expect(line.length).toBeLessThan(2 * MAX_VALUE_CHARS + 400);
      expect(line).toContain(`${"x".repeat(MAX_VALUE_CHARS - 2)}…`);
    }
    expect(clip("a".repeat(MAX_VALUE_CHARS))).toHaveLength(MAX_VALUE_CHARS);
    expect(clip(null)).toBe("?");
  });

  it("formats numbers for the language, exactly, and says ? for what is not a number", () => {
    expect(formatNumber("en", 1234)).toBe("1,234");
    expect(formatNumber("ru", 1234).replace(/\s/g, " ")).toBe("1 234");
    expect(formatNumber("ru", "0.000000000000000001")).toBe("0,000000000000000001");
    expect(formatNumber("en", "123456789012345678.123456789012345678")).toBe("123,456,789,012,345,678.123456789012345678");
    expect(formatNumber("en", "-1")).toBe("?");
    expect(formatNumber("en", { x: 1 })).toBe("?");
    expect(summarize("backlog.stale", DATA, "ru").replace(/[\u00a0\u202f]/g, " ")).toContain("(в очереди: 1 234)");
  });

  it("says how many the cooldown held back, in the language", () => {
    const en = JSON.parse(alertBody("https://hooks.slack.com/services/x", "backlog.stale", DATA, 12, NOW, "en")).text;
    const ru = JSON.parse(alertBody("https://hooks.slack.com/services/x", "backlog.stale", DATA, 12, NOW, "ru")).text;
    expect(en).toMatch(/\(and 12 more\)$/);
    expect(ru).toMatch(/\(и ещё 12\)$/);
  });

  it("puts the language's summary in the generic payload", () => {
    const body = JSON.parse(alertBody("https://ops.example/a", "test", {}, 0, NOW, "ru"));
    expect(body.data.summary).toContain("Тестовое оповещение");
  });
});

describe("digestText", () => {
  const day = {
    date: "2026-11-30",
    invoices: 1234,
    test_invoices: 2,
    held_invoices: 1,
    by_currency: { BTC: "0.9134", ETH: "2.000000000000000001" },
    amount_usd: "123.45",
    amount_usd_invoices: 3,
    delivered: 1230,
    waiting: 3,
    exhausted: 1,
    so_far: false,
    pending_deliveries: 4,
    oldest_pending_since: "2026-11-30T22:05:00.000Z",
  };

  it("writes the day in English", () => {
    expect(digestText(day, "en")).toBe(
      [
        "Daily report for November 30, 2026 (UTC). Invoices: 1,234.",
        "Received: 0.9134 BTC and 2.000000000000000001 ETH.",
        "About $123.45 (the USD amount is known for 3 of 1,234 invoices).",
        "Reached the shop: 1,230; still waiting: 3; given up: 1.",
        "Not confirmed as paid (left out of the sums): 1.",
        "Test invoices (left out of the sums): 2.",
        "Deliveries pending now: 4, the oldest since Nov 30, 2026, 10:05 PM (UTC).",
      ].join("\n"),
    );
  });

  it("writes the day in Russian, with Russian numbers and dates", () => {
    const text = digestText(day, "ru").replace(/[\u00a0\u202f]/g, " ");
    expect(text).toContain("Отчёт за 30 ноября 2026 г. (UTC). Счетов: 1 234.");
    expect(text).toContain("Получено: 0,9134 BTC и 2,000000000000000001 ETH.");
    expect(text).toContain("Около 123,45 $");
    expect(text).toContain("Дошло до магазина: 1 230; ещё ждут: 3; доставка прекращена: 1.");
  });

  it("leaves out what a quiet day does not have", () => {
    const quiet = {
      ...day,
      invoices: 0,
      test_invoices: 0,
      held_invoices: 0,
      by_currency: {},
      amount_usd: null,
      delivered: 0,
      waiting: 0,
      exhausted: 0,
      pending_deliveries: 0,
    };
    expect(digestText(quiet, "en")).toBe(
      "Daily report for November 30, 2026 (UTC). Invoices: 0.\nReached the shop: 0; still waiting: 0; given up: 0.",
    );
  });
});
