import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { API_KEY, apiInvoice, apiRequests, fakeAccount } from "../../support/cryptocloud";
import { runConfirmation } from "../../support/delivery";
import { fields } from "../../support/postbacks";
import { postbackTo, projectsVariable, SHOP_A, SHOP_B } from "../../support/projects";
import { api, call, newInvoiceId, rows, runCron } from "../../support/worker";

/** One CryptoCloud API holding three projects' invoices: each API key sees only its own project's. */
async function threeShops(
  items: unknown[],
  keys: Record<string, string[]> = { [API_KEY]: ["1"], [SHOP_A.apiKey]: ["11"], [SHOP_B.apiKey]: ["12"] },
) {
  const account = await fakeAccount({ items, keys });
  const overrides = {
    CRYPTOCLOUD_API_KEY: API_KEY,
    CRYPTOCLOUD_PROJECT_ID: "1",
    CRYPTOCLOUD_API_URL: account.url,
    CRYPTOCLOUD_PROJECTS: projectsVariable(true),
  };
  return { account, overrides };
}
const of = (project: string) => ({ project: { id: project, name: `shop ${project}` } });
const ids = (n: number) => Array.from({ length: n }, () => newInvoiceId());
const projectOf = async (id: string) =>
  (await rows<{ project: string }>("SELECT project FROM invoices WHERE invoice_id = ?", id))[0]?.project;
const byKey = async (key: string) => {
  const counts: Record<string, number> = {};
  for (const r of await apiRequests(key)) counts[r.headers.authorization ?? ""] = (counts[r.headers.authorization ?? ""] ?? 0) + 1;
  return counts;
};
const reconcileNow = async (overrides: Record<string, unknown>) => {
  const res = await call(api("/reconcile", { method: "POST" }), overrides);
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { projects: Record<string, Record<string, unknown>> },
  };
};

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM jobs"),
    env.DB.prepare("DELETE FROM reconcile_projects"),
    env.DB.prepare("DELETE FROM health_problems"),
  ]);
});

describe("reconciliation of several projects", () => {
  it("lists each project with its own key, records each invoice under its own project, and one audit entry", async () => {
    const [d, a1, a2, b1] = ids(4);
    const { account, overrides } = await threeShops([
      apiInvoice(d ?? ""),
      apiInvoice(a1 ?? "", of("11")),
      apiInvoice(a2 ?? "", of("11")),
      apiInvoice(b1 ?? "", of("12")),
    ]);
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(200);
    expect(body.projects.default).toMatchObject({ recovered: [d], error: null });
    expect(body.projects["shop-a"]).toMatchObject({ recovered: [a1, a2], checked: 2 });
    expect(body.projects["shop-b"]).toMatchObject({ recovered: [b1], checked: 1 });
    expect([await projectOf(d ?? ""), await projectOf(a1 ?? ""), await projectOf(b1 ?? "")]).toEqual(["default", "shop-a", "shop-b"]);
    expect(await byKey(account.key)).toEqual({ [`Token ${API_KEY}`]: 1, [`Token ${SHOP_A.apiKey}`]: 1, [`Token ${SHOP_B.apiKey}`]: 1 });

    const audit = await rows<{ action: string; summary_json: string }>(
      "SELECT action, summary_json FROM audit_log WHERE action = 'reconcile.run'",
    );
    expect(audit).toHaveLength(1);
    const stats = (await (await call(api("/stats"), overrides)).json()) as {
      reconciliation: { projects: Record<string, Record<string, unknown>> };
    };
    expect(stats.reconciliation.projects["shop-a"]).toMatchObject({ recovered_total: 2, in_progress: false, last_error: null });
    expect(stats.reconciliation.projects["shop-b"]).toMatchObject({ recovered_total: 1 });
    await env.DB.prepare("DELETE FROM audit_log").run();
  });

  it("makes at most 50 requests a run across projects, shared so a large project cannot starve the others", async () => {
    const items = [
      ...ids(3000).map((id) => apiInvoice(id, { status: "canceled", ...of("11") })),
      ...ids(3000).map((id) => apiInvoice(id, { status: "canceled", ...of("12") })),
      ...ids(50).map((id) => apiInvoice(id, { status: "canceled" })),
    ];
    const { account, overrides } = await threeShops(items);
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(202);
    const counts = await byKey(account.key);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(50);
    expect(counts[`Token ${API_KEY}`]).toBe(1); // the small project finished its pass
    expect(counts[`Token ${SHOP_A.apiKey}`]).toBeGreaterThanOrEqual(24);
    expect(counts[`Token ${SHOP_B.apiKey}`]).toBeGreaterThanOrEqual(24);
    expect(body.projects["shop-a"]).toMatchObject({ more: true });

    await runCron(new Date(), overrides);
    const after = await byKey(account.key);
    // The cron resumes both where they stopped: 31 requests each in all (30 full pages and an empty one).
    expect(after).toEqual({ [`Token ${API_KEY}`]: 1, [`Token ${SHOP_A.apiKey}`]: 31, [`Token ${SHOP_B.apiKey}`]: 31 });
  });

  it("stops only the project whose key the API refuses, and /health names that project", async () => {
    const [d, a, b] = ids(3);
    const { overrides } = await threeShops([apiInvoice(d ?? ""), apiInvoice(a ?? "", of("11")), apiInvoice(b ?? "", of("12"))], {
      [API_KEY]: ["1"],
      [SHOP_A.apiKey]: ["11"],
    });
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(200);
    expect(body.projects["shop-b"]?.error).toMatch(/project "shop-b"/);
    expect(await projectOf(a ?? "")).toBe("shop-a");
    expect(await projectOf(b ?? "")).toBeUndefined();
    const health = await call(new Request("https://worker.test/health"), overrides);
    expect(health.status).toBe(503);
    const text = await health.text();
    expect(text).toContain('refused the api_key of project \\"shop-b\\"');
    expect(text).not.toContain('project \\"shop-a\\"');
  });

  it("never records one project's invoice under another, even when the other's key lists it as paid", async () => {
    const [x = ""] = ids(1);
    const { overrides } = await threeShops([apiInvoice(x, of("12"))]);
    await call(postbackTo("shop-a", await fields(x, { token: await tokenFor(x, SHOP_A.secret) })), overrides);
    const { body } = await reconcileNow(overrides);
    expect(body.projects["shop-b"]).toMatchObject({ recovered: [], already_recorded: 1 });
    expect(await rows("SELECT status, project FROM invoices WHERE invoice_id = ?", x)).toEqual([
      { status: "pending_confirmation", project: "shop-a" },
    ]);
    expect(await rows("SELECT id FROM events WHERE invoice_id = ?", x)).toEqual([]);
  });

  it("confirms an invoice with its own project's API key, never another's", async () => {
    const [a, b] = ids(2);
    const { account, overrides } = await threeShops([apiInvoice(a ?? "", of("11")), apiInvoice(b ?? "", of("11"))]);
    await call(postbackTo("shop-a", await fields(a ?? "", { token: await tokenFor(a ?? "", SHOP_A.secret) })), overrides);
    // b is shop-a's invoice at CryptoCloud, but its postback came to shop-b: shop-b's key cannot see it.
    await call(postbackTo("shop-b", await fields(b ?? "", { token: await tokenFor(b ?? "", SHOP_B.secret) })), overrides);
    await runConfirmation(a ?? "", overrides);
    await runConfirmation(b ?? "", overrides);
    const info = (await apiRequests(account.key)).filter((r) => r.path.endsWith("/merchant/info"));
    expect(info.map((r) => [r.json.uuids, r.headers.authorization])).toEqual([
      [[`INV-${a}`], `Token ${SHOP_A.apiKey}`],
      [[`INV-${b}`], `Token ${SHOP_B.apiKey}`],
    ]);
    expect(await rows("SELECT status, project FROM invoices WHERE invoice_id IN (?, ?) ORDER BY project", a, b)).toEqual([
      { status: "paid", project: "shop-a" },
      { status: "unconfirmed", project: "shop-b" },
    ]);
  });
});

async function tokenFor(id: string, secret: string) {
  const { cryptoCloudToken } = await import("../../support/postbacks");
  return cryptoCloudToken(id, { secret });
}
