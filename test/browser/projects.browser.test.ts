// Several shops in one deployment, on the page: a Shop column and filter on invoices and deliveries,
// and a selector on the overview, against the built Worker with CRYPTOCLOUD_PROJECTS (real postbacks
// signed with each project's own SECRET KEY, to its own URL).
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium, launch, openPage, postInvoice, type Receiver, signIn, startStack, type Worker } from "../support/browser";
import { waitFor } from "../support/wait-for";

const chromiumPath = findChromium();
/** The list shows `shown` and not `hidden` (a filter took effect, not a list half drawn). */
const only = async (list: Locator, shown: string, hidden: string): Promise<boolean> => {
  const text = (await list.textContent()) ?? "";
  return text.includes(shown) && !text.includes(hidden);
};
const SHOP_B = { slug: "shop-b", secret: "browser-shop-b-secret-key" };

describe.runIf(chromiumPath)("several shops on the page", () => {
  let browser: Browser;
  let worker: Worker;
  let receiver: Receiver;
  let close: () => Promise<unknown>;

  beforeAll(async () => {
    [browser, { worker, receiver, close }] = await Promise.all([
      launch(chromiumPath as string),
      startStack({ vars: { CRYPTOCLOUD_PROJECTS: JSON.stringify([{ slug: SHOP_B.slug, secret_keys: [SHOP_B.secret] }]) } }),
    ]);
    await postInvoice(worker.url, { invoice: "SHOPA001", amount: "1.5", order: "A-1" });
    await postInvoice(worker.url, { invoice: "SHOPB001", amount: "2.5", order: "B-1", project: SHOP_B });
    await waitFor(() => receiver.events.length >= 2, { what: "both deliveries" });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it("shows each invoice's shop and filters invoices and deliveries by it", async () => {
    const { page, errors, context } = await openPage(browser, worker.url);
    await signIn(page);
    await page.getByRole("link", { name: "Invoices", exact: true }).click();
    const body = page.locator("tbody");
    await expect.poll(() => body.textContent(), { timeout: 10_000 }).toContain("SHOPB001");
    expect(await body.textContent()).toContain("SHOPA001");
    expect(await page.locator("thead").textContent()).toContain("Shop");
    expect(await page.locator("tbody tr", { hasText: "SHOPB001" }).textContent()).toContain("shop-b");

    await page.locator("#f-project").selectOption("shop-b");
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain("project=shop-b");
    await expect.poll(() => only(body, "SHOPB001", "SHOPA001"), { timeout: 10_000 }).toBe(true);

    await page.getByRole("link", { name: "Deliveries", exact: true }).click();
    await expect.poll(() => page.locator("tbody").textContent(), { timeout: 10_000 }).toContain("SHOPA001");
    await page.locator("#f-project").selectOption("default");
    await expect.poll(() => only(page.locator("tbody"), "SHOPA001", "SHOPB001"), { timeout: 10_000 }).toBe(true);

    await page.getByRole("link", { name: "Overview", exact: true }).click();
    await page.locator("#f-project").selectOption("shop-b");
    const latest = page.locator("section", { hasText: "Latest invoices" });
    await expect.poll(() => only(latest, "SHOPB001", "SHOPA001"), { timeout: 10_000 }).toBe(true);
    // The chart from the real GET /reports/daily (not a mocked answer), for shop-b alone: today's row.
    const today = page.locator(`#daily tbody tr:has(time[datetime="${new Date().toISOString().slice(0, 10)}"])`);
    await expect.poll(() => today.textContent(), { timeout: 10_000 }).toContain("2.5 USDT_TRC20");
    expect(await today.textContent()).not.toContain("1.5");
    expect(errors).toEqual([]);
    await context.close();
  });
});
