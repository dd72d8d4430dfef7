import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getConfig } from "../../../src/config";
import { reconcile } from "../../../src/reconcile/run";
import { API_KEY, apiInvoice, apiRequests, fakeAccount } from "../../support/cryptocloud";
import { api, call, envWith, newInvoiceId, rows, runCron } from "../../support/worker";

const ids = (n: number) => Array.from({ length: n }, () => newInvoiceId());
const recordedOf = async (list: string[]) =>
  Number(
    (
      await rows<{ n: number }>(
        "SELECT count(*) AS n FROM invoices WHERE invoice_id IN (SELECT value FROM json_each(?))",
        JSON.stringify(list),
      )
    )[0]?.n,
  );
const MINUTE = 60_000;

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM jobs"),
    env.DB.prepare("DELETE FROM reconcile_projects"),
    env.DB.prepare("DELETE FROM health_problems"),
  ]);
});

describe("reconciliation behind a flaky API", () => {
  it("records 5,000 paid invoices behind 30 % failures (503 or a stall) within 3 runs, never restarting the crawl", async () => {
    const list = ids(5000);
    const account = await fakeAccount({ items: list.map((id) => apiInvoice(id)), flaky: { rate: 0.3, seed: 7, stall_ms: 1500 } });
    const overrides = {
      CRYPTOCLOUD_API_KEY: API_KEY,
      CRYPTOCLOUD_API_URL: account.url,
      CRYPTOCLOUD_PROJECT_ID: "1",
      CRYPTOCLOUD_API_TIMEOUT_MS: "1000",
    };
    const start = Date.now();
    let runs = 0;
    while ((await recordedOf(list)) < list.length && runs < 10) await runCron(new Date(start + runs++ * MINUTE), overrides);
    console.log(
      `flaky API: ${list.length} invoices recorded in ${runs} cron runs, ${(await apiRequests(account.key)).length} API requests`,
    );
    expect(await recordedOf(list)).toBe(5000);
    expect(runs).toBeLessThanOrEqual(3);
    // A failed page is asked again; the crawl never goes back to an earlier offset.
    const offsets = (await apiRequests(account.key)).map((r) => Number(r.json.offset));
    expect(offsets.every((o, i) => i === 0 || o >= (offsets[i - 1] ?? 0))).toBe(true);
    // The sweeper has the rest of these to project; later tests' crons need not wait for it.
    await env.DB.prepare("UPDATE invoices SET projected_version = version").run();
  }, 120_000);

  it("resumes a pass from the page that failed on the next cron, not from the start", async () => {
    const list = ids(250);
    const account = await fakeAccount({ items: list.map((id) => apiInvoice(id, { status: "canceled" })), fail_from: 2 });
    const overrides = { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_API_URL: account.url, CRYPTOCLOUD_PROJECT_ID: "1" };
    const now = Date.now();
    await runCron(new Date(now), overrides);
    expect((await apiRequests(account.key)).map((r) => r.json.offset)).toEqual([0, 100, 100, 100]); // three tries of the failed page
    const program = { items: list.map((id) => apiInvoice(id, { status: "canceled" })) };
    await fetch(`${env.LOCAL_SERVER}/_list/${account.key}`, { method: "POST", body: JSON.stringify(program) });
    await runCron(new Date(now + MINUTE), overrides);
    expect((await apiRequests(account.key)).slice(4).map((r) => r.json.offset)).toEqual([100, 200]);
  });

  it("makes /health unhealthy when no full pass has completed for three intervals, naming the project only", async () => {
    const at = (min: number) => new Date(Date.now() - min * MINUTE).toISOString();
    const cursor = JSON.stringify({ start: "01.12.2026", end: "02.12.2026", offset: 700, mode: "count", project: null });
    const overrides = { CRYPTOCLOUD_API_KEY: API_KEY };
    const state = env.DB.prepare(
      "INSERT OR REPLACE INTO reconcile_projects (project, cursor_json, pass_started_at, last_error) VALUES ('default', ?, ?, 'x')",
    );
    await state.bind(cursor, at(29)).run();
    expect((await call(new Request("https://worker.test/health"), overrides)).status).toBe(200);
    await state.bind(cursor, at(31)).run();
    const res = await call(new Request("https://worker.test/health"), overrides);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('Reconciliation of project \\"default\\" has not completed a full pass in 3 intervals');
  });

  it("never shows the API's project ids in the unauthenticated /health", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const account = await fakeAccount({ items: [apiInvoice(newInvoiceId()), apiInvoice(newInvoiceId(), { project: { id: hostile } })] });
    const overrides = { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_API_URL: account.url, CRYPTOCLOUD_PROJECT_ID: "" };
    expect((await call(api("/reconcile", { method: "POST" }), overrides)).status).toBe(409);
    const health = await (await call(new Request("https://worker.test/health"), overrides)).text();
    expect(health).toContain("CRYPTOCLOUD_PROJECT_ID");
    expect(health).not.toContain("onerror");
    expect(health).not.toMatch(/\b1\b.*ids/);
    expect(await (await call(api("/stats"), overrides)).text()).not.toContain("onerror");
  });

  it("lets the next run in soon after a run that crashed mid-crawl (a short lease, renewed per page)", async () => {
    const account = await fakeAccount({ items: [apiInvoice(newInvoiceId(), { status: "canceled" })] });
    const overrides = { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_API_URL: account.url, CRYPTOCLOUD_PROJECT_ID: "1" };
    // A D1 that dies after the page's batch: the run never releases its lease (a kill -9 between pages).
    let batches = 0;
    const dying = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") return (s: D1PreparedStatement[]) => (++batches > 2 ? Promise.reject(new Error("killed")) : target.batch(s));
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const now = Date.now();
    // The reconciliation job alone (the cron's other jobs would use up the dying D1's batches first).
    const crashing = envWith({ ...overrides, DB: dying });
    await reconcile(crashing, getConfig(crashing), new Date(now), { force: false, since: null }).catch(() => null);
    expect(
      (await rows<{ lease_until: string | null }>("SELECT lease_until FROM jobs WHERE name = 'reconcile'"))[0]?.lease_until,
    ).not.toBeNull();
    const forced = await call(api("/reconcile", { method: "POST" }), overrides);
    expect(forced.status).toBe(409); // still held, briefly
    await env.DB.prepare(
      'UPDATE reconcile_projects SET cursor_json = \'{"start":"01.12.2026","end":"01.12.2026","offset":0,"mode":"count","project":null}\'',
    ).run();
    await runCron(new Date(now + 2 * MINUTE), overrides);
    expect(await apiRequests(account.key)).toHaveLength(2);
  });
});
