import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { API_KEY, apiInvoice, apiRequests, fakeAccount } from "../../support/cryptocloud";
import { hook, runConsumer } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { fields, formRequest, invoiceInfo } from "../../support/postbacks";
import { api, call, newInvoiceId, received, rows, runCron, uniqueKey } from "../../support/worker";

const logs = captureLogs();

/** A shop whose CryptoCloud account lists `items`; the returned overrides point the Worker at it. */
async function shop(items: unknown[], extra: Record<string, unknown> = {}, program: Record<string, unknown> = {}) {
  const account = await fakeAccount({ items, ...program });
  const receiver = uniqueKey();
  const overrides = {
    CRYPTOCLOUD_API_KEY: API_KEY,
    CRYPTOCLOUD_API_URL: account.url,
    CRYPTOCLOUD_PROJECT_ID: "1",
    FORWARD_URL: hook(receiver),
    ...extra,
  };
  return { account, receiver, overrides };
}

const reconcileNow = async (overrides: Record<string, unknown>, query = "") => {
  const res = await call(api(`/reconcile${query}`, { method: "POST" }), overrides);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const invoiceOf = async (id: string, overrides = {}) => call(api(`/invoices/${id}`), overrides);
const deliveriesOf = (id: string) => rows<{ id: string; event_id: string }>("SELECT id, event_id FROM deliveries WHERE invoice_id = ?", id);
const ids = (n: number) => Array.from({ length: n }, () => newInvoiceId());

beforeEach(async () => {
  // Each test starts with no reconciliation history (the job row is shared by the file's tests).
  await env.DB.batch([env.DB.prepare("DELETE FROM jobs"), env.DB.prepare("DELETE FROM reconcile_projects")]);
});

describe("reconciliation with CryptoCloud's invoice list", () => {
  it("records, projects and forwards three paid invoices that never had a postback", async () => {
    const [a = "", b = "", c = ""] = ids(3);
    const { overrides, receiver } = await shop([
      apiInvoice(a),
      apiInvoice(b, { status: "overpaid", amount: 0.1, received: "#num:0.123456789012345678", currency: { code: "ETH", fullcode: "ETH" } }),
      apiInvoice(c, { status: "partial", amount: 100, received: 40.5, order_id: "ORD-C" }),
    ]);
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(200);
    const totals = { checked: 3, recovered: [a, b, c], already_recorded: 0, ignored: 0 };
    expect(body).toEqual({ ...totals, projects: { default: { ...totals, error: null } } });

    const invoice = (await (await invoiceOf(b)).json()) as Record<string, unknown>;
    expect(invoice).toMatchObject({ source: "reconciliation", status: "overpaid", confirmed: true, amount_crypto: "0.123456789012345678" });
    expect(invoice.postback_count).toBe(0);
    expect(JSON.parse((await env.INVOICES.get(`invoice:${c}`)) ?? "{}")).toMatchObject({ source: "reconciliation", amount_crypto: "40.5" });

    const all = [...(await deliveriesOf(a)), ...(await deliveriesOf(b)), ...(await deliveriesOf(c))];
    expect(all).toHaveLength(3);
    await runConsumer(all.map((d) => d.id));
    const got = await received(receiver);
    expect(got).toHaveLength(3);
    const wh = new Webhook(env.FORWARD_SECRET);
    const events = got.map((r) => wh.verify(r.body, r.headers) as { type: string; data: Record<string, unknown> });
    expect(events.map((e) => [e.type, e.data.invoice_id, e.data.amount_crypto, e.data.confirmed])).toEqual(
      expect.arrayContaining([
        ["invoice.paid", a, "0.4567", true],
        ["invoice.overpaid", b, "0.123456789012345678", true],
        ["invoice.partial", c, "40.5", true],
      ]),
    );
    expect(logs.filter((l) => l.includes('"reconciliation.recovered"'))).toHaveLength(3);
  });

  it("treats a postback that arrives later as a duplicate: one webhook-id downstream", async () => {
    const [a = ""] = ids(1);
    const { overrides, receiver } = await shop([apiInvoice(a)]);
    await reconcileNow(overrides);
    const withoutApi = { ...overrides, CRYPTOCLOUD_API_KEY: "" };
    expect((await call(formRequest(await fields(a)), withoutApi)).status).toBe(200);
    expect((await call(formRequest(await fields(a)), overrides)).status).toBe(200);
    const deliveries = await deliveriesOf(a);
    expect(deliveries).toHaveLength(1);
    await runConsumer(deliveries.map((d) => d.id));
    expect(new Set((await received(receiver)).map((r) => r.headers["webhook-id"]))).toEqual(new Set([`evt_${a}_paid`]));
    expect(((await (await invoiceOf(a)).json()) as Record<string, unknown>).postback_count).toBe(2);
  });

  it("leaves an invoice recorded by its postback alone, and upgrades partial when the list says paid", async () => {
    const [known = "", partial = ""] = ids(2);
    const { overrides } = await shop([apiInvoice(known), apiInvoice(partial)]);
    const noApi = { ...overrides, CRYPTOCLOUD_API_KEY: "" };
    await call(formRequest(await fields(known)), noApi);
    await call(formRequest(await fields(partial, { invoice_info: invoiceInfo(partial, { status: "partial" }) })), noApi);
    const before = await deliveriesOf(known);

    // A destination added since: even so, the already-recorded invoice gets no new delivery.
    const { body } = await reconcileNow({ ...overrides, FORWARD_URL: `${overrides.FORWARD_URL},${hook(uniqueKey())}` });
    expect(body).toMatchObject({ checked: 2, recovered: [partial], already_recorded: 1 });
    expect(await deliveriesOf(known)).toEqual(before);
    const upgraded = (await (await invoiceOf(partial)).json()) as Record<string, unknown>;
    expect(upgraded).toMatchObject({ status: "paid", confirmed: true, source: "postback" });
    expect((await deliveriesOf(partial)).map((d) => d.event_id).sort()).toEqual([
      `evt_${partial}_paid`,
      `evt_${partial}_paid`,
      `evt_${partial}_partial`,
    ]);
  });

  it("upgrades an invoice held as pending_confirmation or unconfirmed when the list says paid", async () => {
    const [pending = ""] = ids(1);
    const { overrides } = await shop([apiInvoice(pending)], { RECONCILE_INTERVAL_MINUTES: "0" });
    await call(formRequest(await fields(pending)), overrides);
    expect((await rows("SELECT status FROM invoices WHERE invoice_id = ?", pending))[0]).toEqual({ status: "pending_confirmation" });
    expect((await reconcileNow(overrides)).body).toMatchObject({ recovered: [pending] });
    expect(await rows("SELECT status, confirmed FROM invoices WHERE invoice_id = ?", pending)).toEqual([{ status: "paid", confirmed: 1 }]);
    expect(await rows("SELECT state FROM confirmations WHERE invoice_id = ?", pending)).toEqual([{ state: "done" }]);
  });

  it("never records created or canceled invoices, nor another project's paid ones", async () => {
    const [created = "", canceled = "", other = ""] = ids(3);
    const { overrides } = await shop([
      apiInvoice(created, { status: "created", received: 0 }),
      apiInvoice(canceled, { status: "canceled" }),
      apiInvoice(other, { project: { id: 2, name: "OtherShop" } }),
    ]);
    expect((await reconcileNow(overrides)).body).toMatchObject({ checked: 3, recovered: [], already_recorded: 0, ignored: 3 });
    for (const id of [created, canceled, other]) expect((await invoiceOf(id)).status).toBe(404);
  });

  it("without CRYPTOCLOUD_PROJECT_ID, recovers nothing from a key that sees two projects, and says so", async () => {
    const [mine = "", theirs = ""] = ids(2);
    const { overrides } = await shop([apiInvoice(mine), apiInvoice(theirs, { project: { id: 7, name: "OtherShop" } })], {
      CRYPTOCLOUD_PROJECT_ID: "",
    });
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(409);
    expect(body.detail).toContain("CRYPTOCLOUD_PROJECT_ID");
    for (const id of [mine, theirs]) expect((await invoiceOf(id)).status).toBe(404);
    const stats = (await (await call(api("/stats"), overrides)).json()) as { reconciliation: { last_error: string } };
    expect(stats.reconciliation.last_error).toMatch(/1, 7/);
    const health = await call(new Request("https://worker.test/health"), overrides);
    expect(health.status).toBe(503);
    expect(await health.text()).toContain("CRYPTOCLOUD_PROJECT_ID");
    expect(logs.some((l) => l.includes('"reconciliation.failed"') && l.includes("1, 7"))).toBe(true);

    // Once the variable is set, the next run succeeds and /health clears.
    await reconcileNow({ ...overrides, CRYPTOCLOUD_PROJECT_ID: "1" });
    expect((await call(new Request("https://worker.test/health"), overrides)).status).toBe(200);
  });

  it("checks all 250 listed invoices across pages, asking by offset and limit", async () => {
    const many = ids(250);
    const { overrides, account } = await shop(many.map((id) => apiInvoice(id, { status: "created" })));
    expect((await reconcileNow(overrides)).body).toMatchObject({ checked: 250, ignored: 250 });
    const requests = await apiRequests(account.key);
    expect(requests.map((r) => [r.json.offset, r.json.limit])).toEqual([
      [0, 100],
      [100, 100],
      [200, 100],
    ]);
    expect(requests[0]?.headers.authorization).toBe(`Token ${API_KEY}`);
    expect(requests[0]?.json.start).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
  });

  it("pages the other reading of `limit` when a full first page is followed by an empty one", async () => {
    const list = ids(150);
    const { overrides, account } = await shop(
      list.map((id) => apiInvoice(id, { status: "created" })),
      {},
      { limit_means: "end" },
    );
    expect((await reconcileNow(overrides)).body).toMatchObject({ checked: 150 });
    expect((await apiRequests(account.key)).map((r) => [r.json.offset, r.json.limit])).toEqual([
      [0, 100],
      [100, 100],
      [100, 200],
      [200, 300],
    ]);
  });

  it("stops at a page that adds nothing new (an API that ignores offset)", async () => {
    const list = ids(100);
    const { overrides, account } = await shop(
      list.map((id) => apiInvoice(id, { status: "created" })),
      {},
      { ignore_offset: true },
    );
    expect((await reconcileNow(overrides)).body).toMatchObject({ checked: 100 });
    expect(await apiRequests(account.key)).toHaveLength(2);
  });

  it("makes at most 50 requests a run, answers 202, and the cron resumes where it stopped", async () => {
    const list = ids(5050);
    const { overrides, account } = await shop(list.map((id) => apiInvoice(id, { status: "canceled" })));
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(202);
    expect(body).toMatchObject({ checked: 5000, more: true });
    expect(await apiRequests(account.key)).toHaveLength(50);
    expect(logs.some((l) => l.includes('"reconciliation.bounded"'))).toBe(true);
    await runCron(new Date(), overrides);
    const requests = await apiRequests(account.key);
    expect(requests.slice(50).map((r) => r.json.offset)).toEqual([5000]);
    const stats = (await (await call(api("/stats"), overrides)).json()) as { reconciliation: { in_progress: boolean } };
    expect(stats.reconciliation.in_progress).toBe(false);
  });

  it("changes nothing when the API is down, answers 502, and shows the error in /stats", async () => {
    const [a = ""] = ids(1);
    const { overrides } = await shop([apiInvoice(a)], {}, { fail_from: 1, fail_status: 503 });
    const { status, body } = await reconcileNow(overrides);
    expect(status).toBe(502);
    expect(body.code).toBe("upstream_failed");
    expect((await invoiceOf(a)).status).toBe(404);
    const stats = (await (await call(api("/stats"), overrides)).json()) as { reconciliation: Record<string, unknown> };
    expect(stats.reconciliation).toMatchObject({ last_success_at: null, last_error: expect.stringContaining("http_5xx") });
  });

  it.each([
    ["garbage", { status: 200, body: "<html>" }],
    ["a timeout-free error reply", { status: 200, body: { status: "error", result: "boom" } }],
    ["a result that is not a list", { status: 200, body: { status: "success", result: { a: 1 } } }],
  ])("treats %s as a failure, not an empty list", async (_what, reply) => {
    const [a = ""] = ids(1);
    const { overrides } = await shop([apiInvoice(a)], {}, { fail_from: 1, fail_status: reply.status, fail_body: reply.body });
    expect((await reconcileNow(overrides)).status).toBe(502);
  });

  it("reports a 401 through /health and stops", async () => {
    const { overrides } = await shop(
      [],
      {},
      { fail_from: 1, fail_status: 401, fail_body: { status: "error", result: { authorization: "no" } } },
    );
    expect((await reconcileNow(overrides)).status).toBe(502);
    const health = await call(new Request("https://worker.test/health"), overrides);
    expect(health.status).toBe(503);
    expect(await health.text()).toContain("CRYPTOCLOUD_API_KEY");
    await env.DB.prepare("DELETE FROM health_problems").run();
  });

  it("keeps a test invoice unforwarded under REJECT_TEST_MODE, and says why", async () => {
    const [t = ""] = ids(1);
    const { overrides } = await shop([apiInvoice(t, { test_mode: true })], { REJECT_TEST_MODE: "true" });
    expect((await reconcileNow(overrides)).body).toMatchObject({ recovered: [t] });
    expect(await deliveriesOf(t)).toEqual([]);
    expect(await (await invoiceOf(t)).json()).toMatchObject({ test_mode: true, not_forwarded: "test_mode" });
  });

  it("runs from the cron when the interval has passed, and not before", async () => {
    const { overrides, account } = await shop([]);
    const start = new Date();
    await runCron(start, overrides);
    expect(await apiRequests(account.key)).toHaveLength(1);
    await runCron(new Date(start.getTime() + 5 * 60_000), overrides);
    expect(await apiRequests(account.key)).toHaveLength(1);
    await runCron(new Date(start.getTime() + 10 * 60_000 + 1000), overrides);
    expect(await apiRequests(account.key)).toHaveLength(2);
    await runCron(new Date(start.getTime() + 60 * 60_000), { ...overrides, RECONCILE_INTERVAL_MINUTES: "0" });
    expect(await apiRequests(account.key)).toHaveLength(2);
  });

  it("answers 409 naming CRYPTOCLOUD_API_KEY without one, and 400 for a bad since", async () => {
    const res = await reconcileNow({ CRYPTOCLOUD_API_KEY: "" });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain("CRYPTOCLOUD_API_KEY");
    const { overrides } = await shop([]);
    for (const since of ["2026-13-01", "yesterday", "2099-01-01", "2020-01-01"]) {
      expect((await reconcileNow(overrides, `?since=${since}`)).status).toBe(400);
    }
  });

  it("lists from `since` to today", async () => {
    const { overrides, account } = await shop([]);
    const since = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    expect((await reconcileNow(overrides, `?since=${since}`)).status).toBe(200);
    const [y, m, d] = since.split("-");
    expect((await apiRequests(account.key))[0]?.json.start).toBe(`${d}.${m}.${y}`);
  });
});
