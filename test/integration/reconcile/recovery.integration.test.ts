import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { API_KEY, apiInvoice, fakeAccount } from "../../support/cryptocloud";
import { hook } from "../../support/delivery";
import { api, call, newInvoiceId, rows, runCron, uniqueKey } from "../../support/worker";

const ids = (n: number) => Array.from({ length: n }, () => newInvoiceId());
const MINUTE = 60_000;

async function shop(items: unknown[], program: Record<string, unknown> = {}) {
  const account = await fakeAccount({ items, ...program });
  return { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_API_URL: account.url, CRYPTOCLOUD_PROJECT_ID: "1", RECONCILE_INTERVAL_MINUTES: "0" };
}
const inKv = async (list: string[]) => (await Promise.all(list.map((id) => env.INVOICES.get(`invoice:${id}`)))).filter(Boolean).length;

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM jobs"),
    env.DB.prepare("DELETE FROM reconcile_projects"),
    env.DB.prepare("DELETE FROM alert_signals"),
    env.DB.prepare("DELETE FROM alert_cooldowns"),
    env.DB.prepare("DELETE FROM audit_log"),
    env.DB.prepare("UPDATE invoices SET projected_version = version"),
  ]);
});

describe("after a reconciliation recovers many invoices", () => {
  it("puts 300 in KV at once and the sweeper 500 a minute more, bounded per run", async () => {
    const list = ids(700);
    const overrides = await shop(list.map((id) => apiInvoice(id)));
    const now = Date.now();
    expect((await call(api("/reconcile", { method: "POST" }), overrides)).status).toBe(200);
    expect(await inKv(list)).toBe(300);
    await runCron(new Date(now + MINUTE), overrides);
    expect(await inKv(list)).toBe(700);
    expect(await rows("SELECT invoice_id FROM invoices WHERE projected_version < version")).toEqual([]);
  }, 60_000);

  it("counts the invoices the recovery alert held back, not the pages", async () => {
    const overrides = { ...(await shop(ids(250).map((id) => apiInvoice(id)))), ALERT_URL: hook(uniqueKey()) };
    await call(api("/reconcile", { method: "POST" }), overrides);
    await runCron(new Date(Date.now() + MINUTE), overrides);
    const [cooldown] = await rows<{ subject: string; suppressed: number }>(
      "SELECT subject, suppressed FROM alert_cooldowns WHERE kind = 'reconciliation.recovered'",
    );
    expect(cooldown).toEqual({ subject: "reconcile:default", suppressed: 150 }); // pages 2 and 3: 100 + 50 invoices
    const [alert] = await rows<{ data_json: string }>("SELECT data_json FROM alerts WHERE kind = 'reconciliation.recovered'");
    expect(JSON.parse(alert?.data_json ?? "{}")).toMatchObject({ project: "default", count: 100 });
  });

  it("writes one reconcile.run audit entry with the run's first page, and none for a run that failed", async () => {
    const ok = await shop([apiInvoice(newInvoiceId())]);
    expect((await call(api(`/reconcile?since=${new Date().toISOString().slice(0, 10)}`, { method: "POST" }), ok)).status).toBe(200);
    const entries = await rows<{ action: string; actor_id: string; summary_json: string }>(
      "SELECT action, actor_id, summary_json FROM audit_log",
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "reconcile.run", actor_id: "api_token" });

    await env.DB.prepare("DELETE FROM audit_log").run();
    const down = await shop([apiInvoice(newInvoiceId())], { fail_from: 1, fail_status: 503 });
    expect((await call(api("/reconcile", { method: "POST" }), down)).status).toBe(502);
    expect(await rows("SELECT id FROM audit_log")).toEqual([]);
  });
});
