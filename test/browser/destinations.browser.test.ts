// The Destinations view in a real Chromium against the built Worker: list, create (the secret shown
// once), pause and resume, each confirmed in a native <dialog> and recorded.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TOKEN, findChromium, launch, openPage, type Receiver, signIn, startStack, type Worker } from "../support/browser";

const chromiumPath = findChromium();

describe.runIf(chromiumPath)("the Destinations view", () => {
  let browser: Browser;
  let worker: Worker;
  let receiver: Receiver;
  let close: () => Promise<unknown>;

  beforeAll(async () => {
    [browser, { worker, receiver, close }] = await Promise.all([
      launch(chromiumPath as string),
      startStack({ vars: { DESTINATION_SECRETS_KEY: "browser-destination-secrets-key-0123456789" } }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it("lists the config destination, creates one (secret shown once), pauses and resumes it, each confirmed", async () => {
    const { page, errors, context } = await openPage(browser, worker.url);
    await signIn(page);
    await page.getByRole("link", { name: "Destinations" }).click();
    await expect.poll(() => page.locator("table").textContent()).toContain(`${receiver.url}/hook`);
    expect(await page.locator("table").textContent()).toContain("config");

    const hook = `${receiver.url}/hook/erp`;
    await page.getByLabel("URL", { exact: true }).fill(hook);
    await page.getByLabel("Description").fill("<img src=x onerror=alert(1)>");
    await page.getByLabel("Paid", { exact: true }).check();
    await page.getByRole("button", { name: /Add destination \(recorded/ }).click();
    const dialog = page.locator("dialog[open]");
    await expect.poll(() => dialog.textContent()).toContain("will be recorded in the activity log");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => page.locator("#dst-secret").textContent()).toMatch(/^whsec_/);
    await expect.poll(() => page.locator("table").textContent()).toContain(hook);

    const row = page.locator("tr", { hasText: hook });
    await row.getByRole("button", { name: "Pause" }).click();
    await page.locator("dialog[open]").getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => row.textContent()).toContain("Resume");
    await row.getByRole("button", { name: "Resume" }).click();
    await page.locator("dialog[open]").getByRole("button", { name: "Cancel" }).click();
    expect(await row.textContent()).toContain("Resume"); // canceled: nothing changed

    const res = await fetch(`${worker.url}/destinations`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    const { destinations } = (await res.json()) as { destinations: { url: string; state: string; description: string }[] };
    expect(destinations.find((d) => d.url === hook)).toMatchObject({ state: "paused", description: "<img src=x onerror=alert(1)>" });
    expect(await page.evaluate("globalThis.__xss")).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });
});
