// What the browser tests stand on: a system Chromium driven by playwright-core, the built Worker
// with its static assets in workerd (Miniflare, wrangler.toml's bindings and queue consumer), and a
// real receiver on loopback for the forwarded events.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { buildWorker } from "../../scripts/build.mjs";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { startReceiver } from "../../scripts/receiver.mjs";
import { cryptoCloudToken, postbackBody } from "../../scripts/sign-postback.mjs";

export { waitFor } from "./wait-for";

export const SECRET_KEY = "browser-secret-key";
export const API_TOKEN = "browser-api-token-0123456789";
export const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** CHROMIUM_PATH (set by .ci/run), else the first Chromium on PATH. */
export function findChromium(): string | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : null;
  for (const name of ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"]) {
    try {
      const path = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // not this one
    }
  }
  return null;
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
export type Worker = Awaited<ReturnType<typeof startLocalWorker>>;

export async function startStack(options: { failFirst?: number; vars?: Record<string, string> } = {}) {
  const receiver = await startReceiver({ secret: FORWARD_SECRET, failFirst: options.failFirst ?? 0 });
  const worker = await startLocalWorker({
    entry: buildWorker().entry,
    vars: {
      CRYPTOCLOUD_SECRET_KEY: SECRET_KEY,
      API_TOKEN,
      FORWARD_SECRET,
      FORWARD_URL: `${receiver.url}/hook`,
      FORWARD_ALLOW_PRIVATE: "true",
      FORWARD_RETRY_DELAYS: "1,1,1",
      ...options.vars,
    },
  });
  return { receiver, worker, close: async () => Promise.allSettled([worker.dispose(), receiver.close()]) };
}

export interface PostbackOptions {
  invoice: string;
  amount: string;
  currency?: string;
  order?: string | null;
  status?: "paid" | "overpaid" | "partial";
  testMode?: boolean;
  project?: { slug: string; secret: string }; // posted to /postback/<slug>, signed with that project's SECRET KEY
}

/** A signed CryptoCloud postback, as the real one: HS256 over {id, exp}. */
export async function postInvoice(workerUrl: string, p: PostbackOptions): Promise<void> {
  const token = await cryptoCloudToken(p.invoice, p.project?.secret ?? SECRET_KEY);
  const { body, contentType } = postbackBody({
    invoice: p.invoice,
    amount: p.amount,
    currency: p.currency ?? "USDT_TRC20",
    order: p.order ?? null,
    token,
    format: "json",
    v2: true,
    status: p.status ?? "paid",
    testMode: p.testMode ?? false,
  });
  const url = p.project ? `${workerUrl}/postback/${p.project.slug}` : `${workerUrl}/postback`;
  const res = await fetch(url, { method: "POST", headers: { "content-type": contentType }, body });
  if (res.status !== 200) throw new Error(`postback ${p.invoice}: ${res.status} ${await res.text()}`);
}

export async function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ["--no-sandbox"] });
}

/** A fresh tab in its own context (own sessionStorage), failing the test on any page error. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { width?: number; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, locale: options.locale ?? "en-US" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${url}/dashboard`);
  return { context, page, errors };
}

export async function signIn(page: Page, token = API_TOKEN): Promise<void> {
  await page.locator("#token").fill(token); // by id: the label is in the page's language
  await page.locator("form button[type=submit]").click();
}

/** The last 30 UTC days ending today, oldest first, as the overview asks for them. */
export function lastThirtyDays(now = Date.now()): string[] {
  return Array.from({ length: 30 }, (_, i) => new Date(now - (29 - i) * 86_400_000).toISOString().slice(0, 10));
}

export interface DailyRow {
  date: string;
  invoices: number;
  test_invoices: number;
  by_currency: Record<string, string>;
  amount_usd: string | null;
  delivered: number;
  waiting: number;
  exhausted: number;
}

/**
 * GET /reports/daily is being built on another branch: until it lands, the browser answers it with
 * the contract's JSON (`{"days": [...]}`) and records the queries it was asked. Switch these tests to
 * the real route when it merges.
 */
export async function answerDaily(page: Page, days: DailyRow[], status = 200): Promise<URL[]> {
  const asked: URL[] = [];
  await page.route(
    (url) => url.pathname === "/reports/daily",
    (r) => {
      asked.push(new URL(r.request().url()));
      return status === 200
        ? r.fulfill({ json: { days } })
        : r.fulfill({ status, json: { title: "Not Found", status, code: "not_found" } });
    },
  );
  return asked;
}

/** A month of days: `invoices` per day from the list (cycled), one known and one unknown USD day. */
export function month(overrides: Record<string, Partial<DailyRow>> = {}): DailyRow[] {
  return lastThirtyDays().map((date, i) => ({
    date,
    invoices: [0, 1, 2, 5][i % 4] as number,
    test_invoices: i % 7 === 0 ? 1 : 0,
    by_currency: i % 4 === 0 ? {} : { USDT_TRC20: `${i}.50`, BTC: "0.00010000" },
    amount_usd: i % 4 === 0 ? "0" : `${i + 0.5}`.padEnd(4, "0"),
    delivered: [0, 1, 2, 5][i % 4] as number,
    waiting: 0,
    exhausted: 0,
    ...overrides[date],
  }));
}
