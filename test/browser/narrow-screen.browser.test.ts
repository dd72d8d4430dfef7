// Every view at 360 px with hostile data: unbroken order ids and URLs as long as the API allows,
// nested results (a prune's and a reconciliation's counts, an invoice's detail, fields a later Worker
// adds), 18-decimal amounts. Nothing may make the screen scroll sideways, and nesting must not grow a
// page to thousands of pixels. Invoices and their list are real; the nested answers the current
// Worker cannot produce yet are given in the browser, in the contract's shapes.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_TOKEN,
  answerDaily,
  findChromium,
  launch,
  month,
  openPage,
  postInvoice,
  signIn,
  startStack,
  type Worker,
} from "../support/browser";

const chromiumPath = findChromium();
const LONG_ORDER = `ORD-${"X".repeat(252)}`; // the API's 256-character maximum, no break anywhere
const URL_ORDER = `https://shop.example/checkout/${"a1b2c3d4".repeat(20)}?session=${"f".repeat(40)}`;
const LONG_URL = `https://${"very-long-subdomain.".repeat(8)}example.com/webhooks/${"p".repeat(300)}?token=${"z".repeat(80)}`;
const WORD = "y".repeat(400);
const deep = (n: number): Record<string, unknown> => (n === 0 ? { value: WORD } : { [`level_${n}_${"k".repeat(40)}`]: deep(n - 1) });

const attempts = Array.from({ length: 14 }, (_, i) => ({
  id: i + 1,
  delivery_id: "dlv_hostile",
  round: 1,
  attempt: i + 1,
  started_at: "2026-11-30T10:00:00.000Z",
  status_code: 503,
  error_class: "http_5xx",
  latency_ms: 15000,
  response_body: WORD.repeat(3),
}));
const delivery = {
  id: "dlv_hostile",
  event_id: "evt_HOSTILE1_paid",
  invoice_id: "HOSTILE1",
  destination: LONG_URL,
  state: "exhausted",
  round: 1,
  attempt_count: 14,
  next_attempt_at: "2026-11-30T10:00:00.000Z",
  lease_until: null,
  last_error: `http_5xx: ${WORD}`,
  pending_since: null,
  enqueue_failed_at: null,
  created_at: "2026-11-30T10:00:00.000Z",
  updated_at: "2026-11-30T12:00:00.000Z",
};
const invoice = {
  invoice_id: "HOSTILE1",
  invoice_uuid: "INV-HOSTILE1",
  status: "paid",
  amount_crypto: "1.123456789012345678",
  currency: "ETH",
  order_id: LONG_ORDER,
  test_mode: false,
  confirmed: true,
  first_received_at: "2026-11-30T10:00:00.000Z",
  last_received_at: "2026-11-30T10:00:00.000Z",
  postback_count: 1,
  source: "postback",
  not_forwarded: null,
  detail: { raw: deep(6), list: [{ [`key_${"q".repeat(120)}`]: URL_ORDER }, { nested: { again: [1, 2, WORD] } }] },
};
const receipt = {
  id: 1,
  received_at: "2026-11-30T10:00:00.000Z",
  content_type: `application/json; ${"charset=".repeat(20)}`,
  api_version: 2,
  status: "paid",
  amount_crypto: "1.123456789012345678",
  currency: "ETH",
  order_id: LONG_ORDER,
  test_mode: false,
  request_id: "r".repeat(200),
};

/** Answers the routes the current Worker cannot fill with nested results, in the contract's shapes. */
async function hostile(page: Page, worker: Worker): Promise<void> {
  const res = await fetch(`${worker.url}/stats`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  const real = (await res.json()) as { reconciliation: Record<string, unknown>; retention: Record<string, unknown> };
  const stats = {
    ...real,
    reconciliation: {
      ...real.reconciliation,
      configured: true,
      last_error: `merchant/list failed: ${WORD}`,
      last_result: {
        checked: 5000,
        recovered: Array.from({ length: 30 }, (_, i) => `REC${i}${"0".repeat(60)}`),
        already_recorded: 4970,
        ignored: 0,
        more: true,
        pages: deep(5),
      },
    },
    retention: {
      ...real.retention,
      last_prune: {
        removed: { postbacks: 123456, delivery_attempts: 987654, [`a_table_added_later_${"t".repeat(80)}`]: 5 },
        statements: 25,
        more: true,
      },
    },
    future_field: { [`x_${"w".repeat(100)}`]: [{ a: deep(4) }, { b: URL_ORDER }], plain: [WORD, LONG_URL] },
  };
  const health = {
    status: "unhealthy",
    errors: [`FORWARD_URL ${LONG_URL} is not https`],
    warnings: [WORD],
    problems: [{ code: "invalid_url", variable: `FORWARD_URL_${"V".repeat(80)}`, affects: "forwarding" }],
    storage: "ok",
    forwarding: { destinations: 1, signing_secrets: 1 },
  };
  const by_currency = Object.fromEntries(
    ["ETH", "USDT_TRC20", "BTC", "TON", "LTC", `TOKEN_${"L".repeat(26)}`].map((c) => [c, "123456789.123456789012345678"]),
  );
  await answerDaily(page, month({ [month().at(-1)?.date as string]: { by_currency, amount_usd: "99999999999999999999.99" } }));
  await page.route("**/stats", (r) => r.fulfill({ json: stats }));
  await page.route("**/health", (r) => r.fulfill({ status: 503, json: health }));
  await page.route("**/invoices/HOSTILE1", (r) => r.fulfill({ json: invoice }));
  await page.route("**/invoices/HOSTILE1/postbacks", (r) => r.fulfill({ json: { invoice_id: "HOSTILE1", postbacks: [receipt] } }));
  await page.route("**/invoices/HOSTILE1/deliveries", (r) =>
    r.fulfill({
      json: {
        invoice_id: "HOSTILE1",
        deliveries: [
          { ...delivery, attempts },
          { ...delivery, id: "dlv_2", state: "canceled", attempts: [] },
        ],
      },
    }),
  );
  await page.route(
    (url) => url.pathname === "/deliveries",
    (r) => r.fulfill({ json: { deliveries: [delivery, { ...delivery, id: "dlv_2", state: "canceled" }], next_cursor: "next" } }),
  );
}

const width = (page: Page): Promise<number> => page.evaluate<number>("document.documentElement.scrollWidth");

describe.runIf(chromiumPath)("the page at 360 px, whatever the data", () => {
  let browser: Browser;
  let worker: Worker;
  let close: () => Promise<unknown>;

  beforeAll(async () => {
    const secretsKey = { DESTINATION_SECRETS_KEY: "narrow-destination-secrets-key-0123456789" };
    let receiverUrl: string;
    [
      browser,
      {
        worker,
        close,
        receiver: { url: receiverUrl },
      },
    ] = await Promise.all([launch(chromiumPath as string), startStack({ vars: secretsKey })]);
    // An API destination with a URL that has no break anywhere, and its audit entry (Activity).
    const created = await fetch(`${worker.url}/destinations`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ url: `${receiverUrl}/hook/${"d".repeat(300)}`, description: "D".repeat(200) }),
    });
    if (created.status !== 201) throw new Error(`POST /destinations: ${created.status}`);
    await postInvoice(worker.url, { invoice: "NARROW01", amount: "0.123456789012345678", currency: "ETH", order: LONG_ORDER });
    await postInvoice(worker.url, { invoice: "NARROW02", amount: "25.5", order: URL_ORDER, status: "partial" });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  for (const locale of ["en-US", "ru-RU"]) {
    it(`never scrolls sideways on any view (${locale})`, async () => {
      const { page, errors } = await openPage(browser, worker.url, { width: 360, locale });
      await hostile(page, worker);
      expect(await width(page)).toBeLessThanOrEqual(360); // sign-in

      await signIn(page);
      await page.locator("#daily figure").first().waitFor();
      await page.locator("section tbody tr", { hasText: "NARROW01" }).waitFor(); // the latest invoices
      for (const d of await page.locator("details").all()) await d.locator("summary").click();
      expect(await width(page)).toBeLessThanOrEqual(360); // overview, every detail open
      expect(await page.locator("main").textContent()).toContain("987"); // the prune's counts are there

      await page.goto(`${worker.url}/dashboard#/invoices`);
      await page.locator("tbody tr", { hasText: "NARROW01" }).waitFor();
      expect(await page.locator("main").textContent()).toContain(LONG_ORDER);
      expect(await width(page)).toBeLessThanOrEqual(360); // invoices

      await page.goto(`${worker.url}/dashboard#/invoice/HOSTILE1`);
      await page.locator("article tbody tr").last().waitFor();
      // Nesting is rows, not boxes in boxes, and 14 failed attempts fold: the page stays a readable
      // length (it once grew to 15,802 px).
      expect(await page.evaluate<number>("document.documentElement.scrollHeight")).toBeLessThan(8_000);
      for (const d of await page.locator("details").all()) await d.locator("summary").click();
      expect(await width(page)).toBeLessThanOrEqual(360); // an invoice, every detail open
      await page.locator(".actions button").first().click();
      await page.getByRole("dialog").waitFor();
      expect(await width(page)).toBeLessThanOrEqual(360); // the confirmation, with the long id
      await page.keyboard.press("Escape");

      await page.goto(`${worker.url}/dashboard#/deliveries`);
      await page.locator("tbody tr").first().waitFor();
      expect(await page.locator("main").textContent()).toContain(LONG_URL);
      expect(await width(page)).toBeLessThanOrEqual(360); // deliveries

      await page.goto(`${worker.url}/dashboard#/destinations`);
      await page.locator("tbody tr", { hasText: "dddddddddd" }).waitFor();
      expect(await width(page)).toBeLessThanOrEqual(360); // destinations, with the form

      await page.goto(`${worker.url}/dashboard#/activity`);
      await page.locator("tbody tr").first().waitFor();
      expect(await width(page)).toBeLessThanOrEqual(360); // the activity log
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
