import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DAILY_SQL } from "../../../src/store/reports";
import { seedDelivery, seedInvoices } from "../../support/invoice-rows";
import { api, call } from "../../support/worker";

const usd = (amount: string) => JSON.stringify({ api: { amount_usd: amount } });

async function daily(query: string) {
  const res = await call(api(`/reports/daily?${query}`));
  return { status: res.status, body: (await res.json()) as { days: Record<string, unknown>[] } };
}

describe("GET /reports/daily", () => {
  it("sums each UTC day exactly per currency, test and held invoices apart, with every day of the range", async () => {
    const d = "2031-03-14";
    const [delivered, waiting, exhausted, gone, held] = await seedInvoices([
      { first_received_at: `${d}T00:00:00.000Z`, currency: "BTC", amount_crypto: "0.5", detail_json: usd("100.1") },
      { first_received_at: `${d}T08:00:00.000Z`, currency: "BTC", amount_crypto: "0.4134", detail_json: usd("23.35") },
      { first_received_at: `${d}T09:00:00.000Z`, currency: "ETH", amount_crypto: "0.000000000000000001" },
      { first_received_at: `${d}T10:00:00.000Z`, currency: "ETH", amount_crypto: "1.999999999999999999" },
      { first_received_at: `${d}T11:00:00.000Z`, status: "pending_confirmation", currency: "ETH", amount_crypto: "0.123456789012345678" },
      { first_received_at: `${d}T12:00:00.000Z`, currency: "USDT_TRC20", amount_crypto: "1234567890123.1234567890123456789" },
      { first_received_at: `${d}T23:59:59.999Z`, currency: "USDT_TRC20", amount_crypto: "0.0000000000000000001" },
      { first_received_at: `${d}T13:00:00.000Z`, currency: "BTC", amount_crypto: "5", test_mode: 1, detail_json: usd("500000") },
      { first_received_at: "2031-03-15T00:00:00.000Z", currency: "BTC", amount_crypto: "7", test_mode: 0 },
    ]);
    await seedDelivery(delivered ?? "", "delivered");
    await seedDelivery(waiting ?? "", "delivered", "https://a.example/");
    await seedDelivery(waiting ?? "", "pending", "https://b.example/");
    await seedDelivery(exhausted ?? "", "delivered", "https://a.example/");
    await seedDelivery(exhausted ?? "", "exhausted", "https://b.example/");
    await seedDelivery(gone ?? "", "failed");
    expect(held).toBeDefined();

    const { status, body } = await daily("from=2031-03-13&to=2031-03-15");
    expect(status).toBe(200);
    expect(body.days).toEqual([
      {
        date: "2031-03-13",
        invoices: 0,
        test_invoices: 0,
        held_invoices: 0,
        by_currency: {},
        amount_usd: null,
        amount_usd_invoices: 0,
        delivered: 0,
        waiting: 0,
        exhausted: 0,
      },
      {
        date: d,
        invoices: 7,
        test_invoices: 1,
        held_invoices: 1,
        by_currency: { BTC: "0.9134", ETH: "2", USDT_TRC20: "1234567890123.123456789012345679" },
        amount_usd: "123.45",
        amount_usd_invoices: 2,
        delivered: 1,
        waiting: 2,
        exhausted: 2,
      },
      {
        date: "2031-03-15",
        invoices: 1,
        test_invoices: 0,
        held_invoices: 0,
        by_currency: { BTC: "7" },
        amount_usd: null,
        amount_usd_invoices: 0,
        delivered: 0,
        waiting: 0,
        exhausted: 0,
      },
    ]);
  });

  it("covers the last 30 days, today included, when no range is given", async () => {
    const { body } = await daily("");
    expect(body.days).toHaveLength(30);
    expect(body.days[29]?.date).toBe(new Date().toISOString().slice(0, 10));
  });

  it.each([
    ["from=2031-02-30", "from"],
    ["to=2031-13-01", "to"],
    ["from=2031-03-02&to=2031-03-01", "from"],
    ["from=2030-01-01&to=2031-01-02", "from"],
    ["from=31-01-01", "from"],
  ])("refuses %s as an invalid %s", async (query, field) => {
    const res = await call(api(`/reports/daily?${query}`));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain(`"${field}"`);
  });

  it("accepts 366 days, a leap year's worth", async () => {
    expect((await daily("from=2032-01-01&to=2032-12-31")).body.days).toHaveLength(366);
  });

  it("reports one shop's invoices with project=, and every shop's without", async () => {
    const d = "2031-04-02";
    await seedInvoices([
      { first_received_at: `${d}T01:00:00.000Z`, currency: "BTC", amount_crypto: "0.1", project: "shop-a" },
      { first_received_at: `${d}T02:00:00.000Z`, currency: "BTC", amount_crypto: "0.2", project: "shop-b" },
      { first_received_at: `${d}T03:00:00.000Z`, currency: "BTC", amount_crypto: "0.4" },
    ]);
    const sums = async (q: string) => (await daily(`from=${d}&to=${d}${q}`)).body.days[0]?.by_currency;
    expect(await sums("&project=shop-a")).toEqual({ BTC: "0.1" });
    expect(await sums("&project=shop-b")).toEqual({ BTC: "0.2" });
    expect(await sums("&project=default")).toEqual({ BTC: "0.4" });
    expect(await sums("")).toEqual({ BTC: "0.7" });
    expect(await sums("&project=shop-c")).toEqual({});
    expect((await call(api("/reports/daily?project=Shop_B"))).status).toBe(400);
  });

  it("refuses a caller without the API token", async () => {
    expect((await call(new Request("https://worker.test/reports/daily"))).status).toBe(401);
  });

  it("reads invoices by a range search on an index, never a scan", async () => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${DAILY_SQL}`)
      .bind("2031-03-14T00:00:00.000Z", "2031-03-15T00:00:00.000Z", null)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail);
    expect(plan.some((p) => /SEARCH i USING INDEX invoices_newest \(first_received_at>\? AND first_received_at<\?\)/.test(p))).toBe(true);
    expect(plan.some((p) => /SEARCH d USING INDEX deliveries_invoice/.test(p))).toBe(true);
    expect(plan.filter((p) => /^SCAN (i|d|invoices|deliveries)\b/.test(p))).toEqual([]);
  });
});
