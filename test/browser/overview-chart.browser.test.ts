// The overview's last 30 days in a real Chromium: the SVG bars, the exact numbers beside them, and an
// older Worker without GET /reports/daily. That route is answered in the browser (answerDaily) until
// it lands from its own branch; everything else is the real Worker.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answerDaily,
  findChromium,
  lastThirtyDays,
  launch,
  month,
  openPage,
  postInvoice,
  signIn,
  startStack,
  type Worker,
} from "../support/browser";

const chromiumPath = findChromium();

describe.runIf(chromiumPath)("the overview's daily chart", () => {
  let browser: Browser;
  let worker: Worker;
  let close: () => Promise<unknown>;
  const days = lastThirtyDays();
  const today = days[29] as string;
  const yesterday = days[28] as string;

  beforeAll(async () => {
    [browser, { worker, close }] = await Promise.all([launch(chromiumPath as string), startStack()]);
    await postInvoice(worker.url, { invoice: "CHART001", amount: "0.9134", currency: "BTC", order: "ORD-C1" });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  async function overview(width?: number): Promise<{ page: Page; errors: string[]; asked: URL[] }> {
    const { page, errors } = await openPage(browser, worker.url, { width });
    const asked = await answerDaily(
      page,
      month({
        [today]: { invoices: 9, by_currency: { BTC: "0.91340000" }, amount_usd: "1000000000000000.01" },
        [yesterday]: { invoices: 3, amount_usd: null, by_currency: { XMR: "1.000000000001" } },
      }),
    );
    await signIn(page);
    await page.locator("#daily figure").first().waitFor();
    return { page, errors, asked };
  }

  it("asks for the last 30 UTC days and draws a bar per day, the busiest one full height", async () => {
    const { page, errors, asked } = await overview();
    expect(asked.map((u) => [u.searchParams.get("from"), u.searchParams.get("to")])).toEqual([[days[0], today]]);
    const invoices = page.locator("#daily figure").first().locator("rect");
    expect(await invoices.count()).toBe(30);
    expect(await invoices.last().getAttribute("height")).toBe("100");
    expect(await invoices.last().locator("title").textContent()).toMatch(/: 9 invoices$/);
    expect(await page.locator("#daily svg").first().getAttribute("aria-label")).toBe("Invoices per day");
    // The USD bars: yesterday's amount is unknown (a hatched bar, not an empty day).
    const usd = page.locator("#daily figure").nth(1).locator("rect");
    expect(await usd.nth(28).getAttribute("class")).toBe("unknown");
    expect(await usd.nth(28).locator("title").textContent()).toContain("USD amount unknown");
    expect(await usd.nth(0).getAttribute("height")).toBe("0");
    expect(await page.locator("#daily figure").nth(1).locator(".axis-max").textContent()).toBe("top 1,000,000,000,000,000.01");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("writes the same numbers as a table, exact to the last digit, and sums USD exactly", async () => {
    const { page, errors } = await overview();
    const card = page.locator("#daily");
    // 1000000000000000.01 + the month's other known days, added as decimals (a float would round it).
    const known = month().filter((d) => d.date !== today && d.date !== yesterday);
    const cents = known.reduce((n, d) => n + BigInt(Math.round(Number(d.amount_usd) * 100)), 100000000000000001n);
    const total = `${(cents / 100n).toLocaleString("en")}.${String(cents % 100n).padStart(2, "0")}`;
    expect(await card.locator("p.big").textContent()).toContain(`${total} USD where the rate is known`);
    await card.locator("summary").click();
    const first = card.locator("tbody tr").first(); // newest first
    expect(await first.locator('td[data-label="Amounts"]').textContent()).toBe("0.91340000 BTC");
    expect(await first.locator('td[data-label="USD"]').textContent()).toBe("1,000,000,000,000,000.01");
    const second = card.locator("tbody tr").nth(1);
    expect(await second.locator('td[data-label="USD"]').textContent()).toBe("unknown");
    expect(await second.locator('td[data-label="Amounts"]').textContent()).toBe("1.000000000001 XMR");
    expect(await card.locator("tbody tr").count()).toBe(30);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("fits a 360 px screen: the bars shrink, nothing scrolls sideways", async () => {
    const { page, errors } = await overview(360);
    const box = await page.locator("#daily svg").first().boundingBox();
    expect(box?.width).toBeLessThanOrEqual(340);
    expect(box?.height).toBeGreaterThan(80);
    await page.locator("#daily summary").click();
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("hides the chart when the Worker has no daily report (404 from an older Worker)", async () => {
    const { page, errors } = await openPage(browser, worker.url);
    await answerDaily(page, [], 404);
    await signIn(page);
    await page.getByRole("heading", { name: "Latest invoices" }).waitFor();
    await expect.poll(() => page.locator("#daily").count()).toBe(0);
    expect(await page.locator("main").textContent()).not.toContain("404");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("shows why when the daily report fails otherwise", async () => {
    const { page, errors } = await openPage(browser, worker.url);
    await answerDaily(page, [], 500);
    await signIn(page);
    await page.getByRole("heading", { name: "Latest invoices" }).waitFor();
    await expect.poll(() => page.locator("#daily").textContent()).toContain("500");
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
