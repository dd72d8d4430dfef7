import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { API_KEY, fakeApi } from "../../support/cryptocloud";
import { hook, runConfirmation, runConsumer } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { fields, formRequest } from "../../support/postbacks";
import { watchedQueue } from "../../support/queue";
import { api, call, newInvoiceId, received, rows, runCron, uniqueKey } from "../../support/worker";

const logs = captureLogs();

const paid = (id: string, o: Record<string, unknown> = {}) => ({
  status: 200,
  body: {
    status: "success",
    result: [
      {
        uuid: `INV-${id}`,
        status: "paid",
        amount: 0.4567,
        amount_usd: 31000.5,
        received: 0.4567,
        order_id: "ORD99999",
        currency: { code: "BTC", fullcode: "BTC" },
        test_mode: false,
        ...o,
      },
    ],
  },
});

async function setup(replies: (id: string) => { status: number; body: unknown }[], extra: Record<string, unknown> = {}) {
  const id = newInvoiceId();
  const apiFake = await fakeApi(replies(id));
  const receiver = uniqueKey();
  const overrides = {
    CRYPTOCLOUD_API_KEY: API_KEY,
    CRYPTOCLOUD_API_URL: apiFake.url,
    FORWARD_URL: hook(receiver),
    FORWARD_RETRY_DELAYS: "0,0,0",
    ...extra,
  };
  return { id, apiFake, receiver, overrides };
}

const invoice = async (id: string) => (await rows<Record<string, unknown>>("SELECT * FROM invoices WHERE invoice_id = ?", id))[0];
const deliveries = (id: string) => rows<{ id: string }>("SELECT id FROM deliveries WHERE invoice_id = ?", id);
const confirm = runConfirmation;

describe("confirmation with CryptoCloud's merchant/info API", () => {
  it("holds a postback as pending_confirmation, forwards nothing, and answers 200", async () => {
    const { id, overrides } = await setup((i) => [paid(i)]);
    expect((await call(formRequest(await fields(id)), overrides)).status).toBe(200);
    expect(await invoice(id)).toMatchObject({ status: "pending_confirmation", confirmed: 0 });
    expect(await deliveries(id)).toEqual([]);
    expect(await rows("SELECT state FROM confirmations WHERE invoice_id = ?", id)).toEqual([{ state: "pending" }]);
  });

  it("confirms it, takes the API's status, and forwards an event that says confirmed: true", async () => {
    const { id, apiFake, receiver, overrides } = await setup((i) => [paid(i, { status: "overpaid" })]);
    await call(formRequest(await fields(id)), overrides);
    expect(await confirm(id, overrides)).toMatchObject({ acked: true });

    const [apiCall] = await received(apiFake.key);
    expect(apiCall?.headers.authorization).toBe(`Token ${overrides.CRYPTOCLOUD_API_KEY}`);
    expect(JSON.parse(apiCall?.body ?? "{}")).toEqual({ uuids: [`INV-${id}`] });

    expect(await invoice(id)).toMatchObject({ status: "overpaid", confirmed: 1 });
    const kv = JSON.parse((await env.INVOICES.get(`invoice:${id}`)) ?? "{}");
    expect(kv).toMatchObject({ status: "overpaid", confirmed: true, detail: { api: { amount_usd: "31000.5" }, mismatches: [] } });

    const ds = await deliveries(id);
    await runConsumer(
      ds.map((d) => d.id),
      overrides,
    );
    const [req] = await received(receiver);
    const event = new Webhook(env.FORWARD_SECRET).verify(req?.body ?? "", req?.headers ?? {}) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(event.type).toBe("invoice.overpaid");
    expect(event.data).toMatchObject({ confirmed: true, status: "overpaid", amount_crypto: "0.4567" });
  });

  it("records the API's values on a mismatch, keeps the postback's beside them, and warns", async () => {
    const { id, overrides } = await setup((i) => [paid(i)]);
    await call(formRequest(await fields(id, { amount_crypto: "999", order_id: "FORGED" })), overrides);
    await confirm(id, overrides);
    const row = await invoice(id);
    expect(row).toMatchObject({ status: "paid", amount_crypto: "0.4567", order_id: "ORD99999", confirmed: 1 });
    expect(JSON.parse(String(row?.detail_json))).toMatchObject({
      postback: { amount_crypto: "999", order_id: "FORGED" },
      mismatches: ["amount_crypto", "order_id"],
    });
    expect(logs.some((l) => l.includes('"confirmation.mismatch"') && l.includes("amount_crypto"))).toBe(true);
  });

  it.each([
    ["an invoice the API does not know", (_: string) => ({ status: 200, body: { status: "success", result: [] } }), "unknown_invoice"],
    ["an invoice the API reports as created", (i: string) => paid(i, { status: "created" }), "status_created"],
    ["an invoice the API reports as canceled", (i: string) => paid(i, { status: "canceled" }), "status_canceled"],
  ])("never records or forwards %s as paid", async (_name, reply, reason) => {
    const { id, overrides } = await setup((i) => [reply(i)]);
    await call(formRequest(await fields(id)), overrides);
    expect(await confirm(id, overrides)).toMatchObject({ acked: true });
    const row = await invoice(id);
    expect(row).toMatchObject({ status: "unconfirmed", confirmed: 0 });
    expect(JSON.parse(String(row?.detail_json)).confirmation).toMatchObject({ state: "unconfirmed", reason });
    expect(await deliveries(id)).toEqual([]);
    expect(await rows("SELECT id FROM events WHERE invoice_id = ?", id)).toEqual([]);
  });

  it("keeps the invoice pending while the API is down, retries with backoff, then confirms", async () => {
    const { id, overrides } = await setup((i) => [{ status: 503, body: {} }, { status: 429, body: {} }, paid(i)], {
      FORWARD_RETRY_DELAYS: "0,0,0",
    });
    await call(formRequest(await fields(id)), overrides);
    expect(await confirm(id, overrides)).toMatchObject({ retried: true, delay: 0 });
    expect(await invoice(id)).toMatchObject({ status: "pending_confirmation" });
    expect(await confirm(id, overrides)).toMatchObject({ retried: true });
    expect(await deliveries(id)).toEqual([]);
    expect(await confirm(id, overrides)).toMatchObject({ acked: true });
    expect(await invoice(id)).toMatchObject({ status: "paid", confirmed: 1 });
    expect(await deliveries(id)).toHaveLength(1);
  });

  it("uses the retry schedule's delay while the API is down", async () => {
    const { id, overrides } = await setup(() => [{ status: 502, body: {} }], { FORWARD_RETRY_DELAYS: "100" });
    await call(formRequest(await fields(id)), overrides);
    const r = await confirm(id, overrides);
    expect(r.delay).toBeGreaterThanOrEqual(90);
    expect(r.delay).toBeLessThanOrEqual(110);
  });

  it("reports an API 401 by /health, retries slowly rather than storming, and clears once the key works", async () => {
    const { id, overrides } = await setup(
      (i) => [{ status: 401, body: { status: "error", result: { authorization: "Unauthorized request." } } }, paid(i)],
      { FORWARD_RETRY_DELAYS: "0" },
    );
    await call(formRequest(await fields(id)), overrides);
    expect(await confirm(id, overrides)).toMatchObject({ retried: true, delay: 600 });
    const health = await call(new Request("https://worker.test/health"), overrides);
    expect(health.status).toBe(503);
    expect(await health.text()).toContain("CRYPTOCLOUD_API_KEY");
    expect(await rows("SELECT attempt_count FROM confirmations WHERE invoice_id = ?", id)).toEqual([{ attempt_count: 0 }]);

    await env.DB.prepare("UPDATE confirmations SET next_attempt_at = ? WHERE invoice_id = ?").bind(new Date(0).toISOString(), id).run();
    expect(await confirm(id, overrides)).toMatchObject({ acked: true });
    expect((await call(new Request("https://worker.test/health"), overrides)).status).toBe(200);
  });

  it("carries test_mode from the API into the invoice and the event", async () => {
    const { id, receiver, overrides } = await setup((i) => [paid(i, { test_mode: true })]);
    await call(formRequest(await fields(id)), overrides);
    await confirm(id, overrides);
    expect(await invoice(id)).toMatchObject({ test_mode: 1 });
    await runConsumer(
      (await deliveries(id)).map((d) => d.id),
      overrides,
    );
    expect(JSON.parse((await received(receiver))[0]?.body ?? "{}").data.test_mode).toBe(true);
  });

  it("records but does not forward a confirmed test invoice with REJECT_TEST_MODE=true", async () => {
    const { id, overrides } = await setup((i) => [paid(i, { test_mode: true })], { REJECT_TEST_MODE: "true" });
    await call(formRequest(await fields(id)), overrides);
    await confirm(id, overrides);
    expect(await invoice(id)).toMatchObject({ status: "paid", test_mode: 1, confirmed: 1 });
    expect(await deliveries(id)).toEqual([]);
  });

  it("without an API key, records the postback's status at once with confirmed: false", async () => {
    const id = newInvoiceId();
    await call(formRequest(await fields(id)));
    expect(await (await call(api(`/invoices/${id}`))).json()).toMatchObject({ status: "paid", confirmed: false });
  });

  it("forwards what was paid (received) for a partial invoice, and keeps what was asked beside it", async () => {
    const { id, overrides, receiver } = await setup((i) => [paid(i, { status: "partial", amount: 0.5, received: 0.25 })]);
    await call(formRequest(await fields(id, { amount_crypto: "0.25" })), overrides);
    await confirm(id, overrides);
    expect(await invoice(id)).toMatchObject({ status: "partial", amount_crypto: "0.25" });
    expect(JSON.parse(String((await invoice(id))?.detail_json)).api).toMatchObject({ amount: "0.5", received: "0.25" });
    const [d] = await deliveries(id);
    await runConsumer([d?.id ?? ""], overrides);
    const [req] = await received(receiver);
    expect(JSON.parse(req?.body ?? "{}").data.amount_crypto).toBe("0.25");
  });

  it("does not take an answer whose amount is unusable as a confirmation", async () => {
    const { id, overrides } = await setup((i) => [paid(i, { amount: null, received: null })], { FORWARD_RETRY_DELAYS: "30" });
    await call(formRequest(await fields(id)), overrides);
    expect(await confirm(id, overrides)).toMatchObject({ retried: true });
    expect(await invoice(id)).toMatchObject({ status: "pending_confirmation", confirmed: 0 });
    expect(await rows("SELECT last_error FROM confirmations WHERE invoice_id = ?", id)).toEqual([{ last_error: "invalid_answer" }]);
  });

  it("reads at most 512 KiB of the API's reply, and retries a larger one", async () => {
    const huge = { status: "success", result: [], padding: "x".repeat(700 * 1024) };
    const { id, overrides } = await setup(() => [{ status: 200, body: huge }], { FORWARD_RETRY_DELAYS: "30" });
    await call(formRequest(await fields(id)), overrides);
    expect(await confirm(id, overrides)).toMatchObject({ retried: true });
    expect(await rows("SELECT last_error FROM confirmations WHERE invoice_id = ?", id)).toEqual([{ last_error: "too_large" }]);
  });

  it("re-checks from the cron, every 6 hours, a confirmation whose retries ran out while the API was down", async () => {
    // A confirmation that ran out of retries while the API was down for days:
    const { id: held, overrides: o2 } = await setup((i) => [{ status: 503, body: {} }, paid(i)], {
      FORWARD_RETRY_DELAYS: "0",
      RECONCILE_INTERVAL_MINUTES: "0", // the fake API answers every path alike: keep reconciliation out of this
    });
    await call(formRequest(await fields(held)), { ...o2, FORWARD_RETRY_DELAYS: "" });
    await env.DB.prepare("UPDATE confirmations SET attempt_count = 13 WHERE invoice_id = ?").bind(held).run();
    await confirm(held, o2);
    expect(await rows("SELECT state FROM confirmations WHERE invoice_id = ?", held)).toEqual([{ state: "exhausted" }]);
    const health = await call(new Request("https://worker.test/health"), o2);
    expect(health.status).toBe(503);
    expect(await health.text()).toMatch(/ran out of confirmation retries/);

    // Not yet: the re-check waits 6 hours after the last try.
    const sent = watchedQueue();
    await runCron(new Date(), { ...o2, DELIVERIES: sent.queue });
    expect(sent.sent).not.toContain(held);
    const later = new Date(Date.now() + 6 * 3600_000 + 60_000);
    await runCron(later, { ...o2, DELIVERIES: sent.queue });
    expect(sent.sent).toContain(held);
    expect(await rows("SELECT state, rechecks FROM confirmations WHERE invoice_id = ?", held)).toEqual([{ state: "pending", rechecks: 1 }]);
    // The cron ran 6 h from now; the re-armed confirmation is due then: bring it to the present.
    await env.DB.prepare("UPDATE confirmations SET next_attempt_at = ?2 WHERE invoice_id = ?1").bind(held, new Date(0).toISOString()).run();
    expect(await confirm(held, o2)).toMatchObject({ acked: true });
    expect(await invoice(held)).toMatchObject({ status: "paid", confirmed: 1 });
  });

  it("stops re-checking after a week of tries", async () => {
    const { id, overrides } = await setup((i) => [paid(i, { status: "created" })], { RECONCILE_INTERVAL_MINUTES: "0" });
    await call(formRequest(await fields(id)), overrides);
    await confirm(id, overrides);
    expect(await invoice(id)).toMatchObject({ status: "unconfirmed" });
    await env.DB.prepare("UPDATE confirmations SET rechecks = 28 WHERE invoice_id = ?").bind(id).run();
    const sent = watchedQueue();
    await runCron(new Date(Date.now() + 7 * 3600_000), { ...overrides, DELIVERIES: sent.queue });
    expect(sent.sent).not.toContain(id);
  });
});
