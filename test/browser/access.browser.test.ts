// The operator page behind Cloudflare Access, in a real Chromium: the browser carries the Access
// cookie (CF_Authorization), signed by a fake team on loopback (jose RS256 keys), and the Worker
// verifies it against that team's key set. No token prompt; who is signed in is shown and recorded.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessJwt, newTeamKey, publishKeys } from "../support/access";
import { findChromium, launch, postInvoice, type Receiver, signIn, startStack, type Worker, waitFor } from "../support/browser";
import { startLocalServer } from "../support/local-server";

const AUD = "aud-browser";
const chromiumPath = findChromium();

describe.runIf(chromiumPath)("the operator page behind Cloudflare Access", () => {
  let browser: Browser;
  let worker: Worker;
  let receiver: Receiver;
  let team: Awaited<ReturnType<typeof startLocalServer>>;
  let close: () => Promise<unknown>;
  let cookie: string;

  beforeAll(async () => {
    team = await startLocalServer();
    const key = await newTeamKey("browser-k1");
    await publishKeys(team.url, [key]);
    cookie = await accessJwt(key, { team: team.url, aud: AUD, claims: { email: "alice@shop.example" } });
    [browser, { worker, receiver, close }] = await Promise.all([
      launch(chromiumPath as string),
      startStack({ vars: { ACCESS_TEAM_DOMAIN: team.url, ACCESS_AUD: AUD } }),
    ]);
    await postInvoice(worker.url, { invoice: "ACC00001", amount: "3.5", order: "ORD-ACC-1" });
    await waitFor(() => receiver.events.some((e) => e.webhookId === "evt_ACC00001_paid"), { what: "the first delivery" });
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await team?.close();
  });

  async function behindAccess(): Promise<{ context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: "CF_Authorization", value: cookie, url: worker.url, httpOnly: true, sameSite: "Lax" }]);
    const errors: string[] = [];
    context.on("weberror", (e) => errors.push(e.error().message));
    return { context, errors };
  }

  it("opens without a token prompt and shows who is signed in", async () => {
    const { context, errors } = await behindAccess();
    const page = await context.newPage();
    await page.goto(`${worker.url}/dashboard`);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    expect(await page.getByLabel("API token").count()).toBe(0);
    expect(await page.locator("#signed-in").textContent()).toContain("Signed in as alice@shop.example (Cloudflare Access)");
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0); // Access signs out, at its own URL
    expect(await page.getByRole("link", { name: "Sign out" }).getAttribute("href")).toBe("/cdn-cgi/access/logout");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("says an action will be recorded under the operator's name, does it, and lists it under Activity", async () => {
    const { context, errors } = await behindAccess();
    const page = await context.newPage();
    await page.goto(`${worker.url}/dashboard#/invoice/ACC00001`);
    await page.getByRole("button", { name: "Redeliver" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("This action will be recorded in the activity log as alice@shop.example.");
    await dialog.getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/Queued 1 delivery/);

    await page.getByRole("link", { name: "Activity" }).click();
    await page.getByRole("heading", { name: "Activity" }).waitFor();
    const row = page.locator("tbody tr").first();
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain("alice@shop.example");
    expect(text).toContain("Redeliver an invoice");
    expect(await row.getByRole("link", { name: "ACC00001" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("still asks for a token without the Access cookie, and the token works as before", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${worker.url}/dashboard`);
    await page.getByLabel("API token").waitFor();
    expect(await page.getByRole("alert").isHidden()).toBe(true); // not signed in yet is no error
    await signIn(page);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    expect(await page.locator("#signed-in").textContent()).toBe("Signed in as the operator token");
    await context.close();
  });
});
