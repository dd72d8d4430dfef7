// The page in Russian and English in a real Chromium: it follows the browser's language, the switch
// is remembered by the tab (sessionStorage) and not by others, Russian plural forms and Intl numbers
// and dates; and "Download CSV", which must send the bearer token. GET /reports/daily and GET
// /invoices.csv are answered in the browser until they land from their own branches.
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_TOKEN,
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

describe.runIf(chromiumPath)("the page's languages", () => {
  let browser: Browser;
  let worker: Worker;
  let close: () => Promise<unknown>;
  const days = lastThirtyDays();

  beforeAll(async () => {
    [browser, { worker, close }] = await Promise.all([launch(chromiumPath as string), startStack()]);
    await postInvoice(worker.url, { invoice: "LANG0001", amount: "1234.5", currency: "USDT_TRC20", order: "ORD-L1", status: "partial" });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it("follows a Russian browser: labels, plural forms, numbers and dates in Russian", async () => {
    const { page, errors } = await openPage(browser, worker.url, { locale: "ru-RU" });
    await answerDaily(page, month({ [days[29] as string]: { invoices: 21, by_currency: { BTC: "0.91340000" }, amount_usd: "1234.5" } }));
    expect(await page.locator("label[for=token]").textContent()).toBe("Токен API");
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("ru");
    await signIn(page);
    await page.getByRole("heading", { name: "Обзор" }).waitFor();
    expect(await page.locator("nav").textContent()).toBe("ОбзорСчетаДоставкиПолучателиЖурнал");
    const chart = page.locator("#daily");
    await chart.locator("figure").first().waitFor();
    // one / few / many: 1 счёт, 2 счёта, 5 счетов, 21 счёт.
    const titles = await chart.locator("figure").first().locator("rect title").allTextContents();
    expect(titles.slice(0, 4).map((s) => s.replace(/^.*: /, ""))).toEqual(["0 счетов", "1 счёт", "2 счёта", "5 счетов"]);
    expect(titles[29]).toMatch(/: 21 счёт$/);
    await chart.locator("summary").click();
    const today = chart.locator("tbody tr").first();
    expect(await today.locator("td").nth(4).textContent()).toBe("0,91340000 BTC");
    expect(await today.locator("td").nth(3).textContent()).toBe("1234,5".replace("1234", "1\u00a0234"));
    expect(await today.locator("td").first().textContent()).toMatch(/^\d+ [а-я]+$/); // "1 декабря"

    await page.locator("nav a").nth(1).click();
    const row = page.locator("tbody tr", { hasText: "LANG0001" });
    expect(await row.locator("td").nth(2).textContent()).toBe("Частично (недоплата)");
    expect(await row.locator("td").nth(3).textContent()).toBe("1\u00a0234,5 USDT_TRC20");
    expect(await row.locator("td").nth(4).textContent()).toBe("нет");
    expect(await row.locator("time").textContent()).toMatch(/г\./); // "1 дек. 2026 г., 20:31:07"
    await row.getByRole("link", { name: "LANG0001" }).click();
    await page.getByRole("heading", { name: "Счёт LANG0001" }).waitFor();
    const fields = page.locator("section", { has: page.getByRole("heading", { name: "Счёт", exact: true }) });
    await expect.poll(() => fields.locator("dd").nth(3).textContent()).toBe("1\u00a0234,5");
    expect(await fields.locator("dt").nth(3).textContent()).toBe("Сумма");

    await page.locator("nav a").nth(2).click();
    await page.locator("#f-since").waitFor();
    await page.locator("section form button").click();
    await page.getByRole("dialog").locator("button[value=ok]").click();
    await expect.poll(() => page.getByRole("status").last().textContent()).toMatch(/^Снова в очереди 0 исчерпанных доставок с /);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("switches language on a click, keeps it for the tab across reloads, and not for another tab", async () => {
    const { page, errors } = await openPage(browser, worker.url);
    await answerDaily(page, [], 404);
    expect(await page.locator("label[for=token]").textContent()).toBe("API token");
    await page.getByRole("button", { name: "Русский" }).click();
    expect(await page.locator("label[for=token]").textContent()).toBe("Токен API");
    await signIn(page);
    await page.getByRole("heading", { name: "Обзор" }).waitFor();
    expect(await page.title()).toBe("CryptoCloud postback · оператор");
    await page.reload();
    await page.getByRole("heading", { name: "Обзор" }).waitFor();
    expect(await page.locator("#sign-out").textContent()).toBe("Выйти");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("en");
    await page.getByRole("button", { name: "Русский" }).click();
    await page.getByRole("heading", { name: "Обзор" }).waitFor();

    const other = await openPage(browser, worker.url);
    expect(await other.page.locator("label[for=token]").textContent()).toBe("API token");
    await other.page.context().close();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("Download CSV fetches /invoices.csv with the bearer token and saves invoices-<from>-<to>.csv", async () => {
    const { page, errors } = await openPage(browser, worker.url);
    const csv = "invoice_id,order_id,amount_crypto\r\nLANG0001,ORD-L1,1234.5\r\n";
    const asked: { url: URL; auth: string | undefined }[] = [];
    await page.route(
      (url) => url.pathname === "/invoices.csv",
      (r) => {
        asked.push({ url: new URL(r.request().url()), auth: r.request().headers().authorization });
        return r.fulfill({ status: 200, headers: { "content-type": "text/csv; charset=utf-8" }, body: csv });
      },
    );
    await signIn(page);
    await page.getByRole("heading", { name: "Overview" }).waitFor(); // signed in: no late redraw after the goto
    await page.goto(`${worker.url}/dashboard#/invoices?status=partial`);
    await page.locator("#csv-from").fill("2026-11-01");
    await page.locator("#csv-to").fill("2026-11-30");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("invoices-2026-11-01-2026-11-30.csv");
    expect(await readFile((await download.path()) as string, "utf8")).toBe(csv);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.auth).toBe(`Bearer ${API_TOKEN}`);
    expect(Object.fromEntries(asked[0]?.url.searchParams ?? [])).toEqual({ from: "2026-11-01", to: "2026-11-30", status: "partial" });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("Download CSV says why when the Worker refuses, and downloads nothing", async () => {
    const { page, errors } = await openPage(browser, worker.url);
    await page.route(
      (url) => url.pathname === "/invoices.csv",
      (r) => r.fulfill({ status: 400, json: { title: "Bad Request", detail: "to: must not be before from", status: 400 } }),
    );
    let downloads = 0;
    page.on("download", () => downloads++);
    await signIn(page);
    await page.getByRole("heading", { name: "Overview" }).waitFor(); // signed in: no late redraw after the goto
    await page.goto(`${worker.url}/dashboard#/invoices`);
    await page.getByRole("button", { name: "Download CSV" }).click();
    await expect
      .poll(() => page.locator("section", { hasText: "Download CSV" }).getByRole("status").textContent())
      .toBe("400: to: must not be before from");
    expect(downloads).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
