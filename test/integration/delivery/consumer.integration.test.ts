import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { queueMessage } from "../../../src/domain/message";
import { attemptsOf, deliveryRow, hook, paidInvoiceFor, runConsumer, runQueue } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { invoiceInfo } from "../../support/postbacks";
import { api, call, received, rows, uniqueKey } from "../../support/worker";

const logs = captureLogs();

const NO_WAIT = { FORWARD_RETRY_DELAYS: "0,0,0" };

describe("the delivery consumer", () => {
  it("acks on 2xx, marks the delivery delivered and logs the attempt", async () => {
    const key = uniqueKey();
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key, "reply=thanks")]);
    const result = await runConsumer([id]);
    expect(result.explicitAcks).toEqual([`msg-0-${id}`]);
    expect(result.retryMessages).toEqual([]);
    expect(await deliveryRow(id)).toMatchObject({ state: "delivered", attempt_count: 1, lease_until: null });
    expect(await attemptsOf(id)).toEqual([
      expect.objectContaining({ attempt: 1, round: 1, status_code: 200, error_class: null, response_body: "thanks" }),
    ]);
  });

  it("sends an event that the standardwebhooks library verifies, with the exact amount", async () => {
    const key = uniqueKey();
    const {
      invoiceId,
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key)]);
    await runConsumer([id]);
    const [req] = await received(key);
    const event = new Webhook(env.FORWARD_SECRET).verify(req?.body ?? "", req?.headers ?? {}) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(event).toEqual({
      type: "invoice.paid",
      timestamp: expect.any(String),
      data: {
        invoice_id: invoiceId,
        invoice_uuid: `INV-${invoiceId}`,
        project: "default",
        order_id: "ORD99999",
        status: "paid",
        amount_crypto: "0.4567",
        currency: "BTC",
        test_mode: null,
        confirmed: false,
        received_at: expect.any(String),
      },
    });
  });

  it("retries a 500 with the first scheduled delay, ±10 % jitter, and never acks it", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "status=500")], { FORWARD_RETRY_DELAYS: "100,200" });
    const result = await runConsumer([id], { FORWARD_RETRY_DELAYS: "100,200" });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryMessages[0]?.delaySeconds).toBeGreaterThanOrEqual(90);
    expect(result.retryMessages[0]?.delaySeconds).toBeLessThanOrEqual(110);
    expect(await deliveryRow(id)).toMatchObject({ state: "pending", last_error: "http_5xx", lease_until: null });
  });

  it("retries a timeout", async () => {
    const overrides = { FORWARD_TIMEOUT_MS: "300" };
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "sleep_ms=2000")], overrides);
    const result = await runConsumer([id], overrides);
    expect(result.retryMessages).toHaveLength(1);
    expect(await attemptsOf(id)).toEqual([expect.objectContaining({ status_code: null, error_class: "timeout" })]);
  });

  it("honours Retry-After", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "status=503&retry_after=120")]);
    const result = await runConsumer([id]);
    expect(result.retryMessages).toEqual([{ msgId: `msg-0-${id}`, delaySeconds: 120 }]);
  });

  it("does not follow a redirect, and retries it", async () => {
    const key = uniqueKey();
    const target = uniqueKey();
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key, `status=302&location=${encodeURIComponent(hook(target))}`)]);
    const result = await runConsumer([id]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await received(target)).toEqual([]);
    expect(await attemptsOf(id)).toEqual([expect.objectContaining({ status_code: 302, error_class: "redirect" })]);
  });

  it("disables the destination for this event on 410, and records it", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "status=410")]);
    const result = await runConsumer([id]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "failed", last_error: "gone" });
  });

  it("marks the delivery exhausted after the last scheduled attempt when the backend refuses this event (4xx)", async () => {
    const overrides = { FORWARD_RETRY_DELAYS: "0" };
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "status=400")], overrides);
    expect((await runConsumer([id], overrides)).retryMessages).toHaveLength(1);
    const last = await runConsumer([id], overrides);
    expect(last.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "exhausted", attempt_count: 2 });
  });

  it("keeps the webhook-id and the body identical across retries", async () => {
    const key = uniqueKey();
    const {
      invoiceId,
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key, "fail_first=2")], NO_WAIT);
    for (let i = 0; i < 3; i++) await runConsumer([id], NO_WAIT);
    const reqs = await received(key);
    expect(reqs).toHaveLength(3);
    expect(new Set(reqs.map((r) => r.headers["webhook-id"]))).toEqual(new Set([`evt_${invoiceId}_paid`]));
    expect(new Set(reqs.map((r) => r.body)).size).toBe(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "delivered", attempt_count: 3 });
    expect((await attemptsOf(id)).map((a) => a.status_code)).toEqual([500, 500, 200]);
  });

  it("fans out: each FORWARD_URL gets its own delivery and its own copy", async () => {
    const [a, b] = [uniqueKey(), uniqueKey()];
    const { deliveryIds } = await paidInvoiceFor([hook(a), hook(b)]);
    expect(deliveryIds).toHaveLength(2);
    const result = await runConsumer(deliveryIds);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await received(a)).toHaveLength(1);
    expect(await received(b)).toHaveLength(1);
  });

  it("sends once when two messages for the same delivery arrive together (the lease)", async () => {
    const key = uniqueKey();
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key, "sleep_ms=200")]);
    const [r1, r2] = await Promise.all([runConsumer([id]), runConsumer([id])]);
    expect(await received(key)).toHaveLength(1);
    expect([...r1.explicitAcks, ...r2.explicitAcks]).toHaveLength(2);
  });

  it("acks a message for a delivery that is already delivered, without sending again", async () => {
    const key = uniqueKey();
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key)]);
    await runConsumer([id]);
    expect((await runConsumer([id])).explicitAcks).toHaveLength(1);
    expect(await received(key)).toHaveLength(1);
  });

  it("forwards a test-mode invoice with data.test_mode true", async () => {
    const key = uniqueKey();
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key)], {}, { invoice_info: (invoiceId: string) => invoiceInfo(invoiceId, { test_mode: true }) });
    await runConsumer([id]);
    const [req] = await received(key);
    expect(JSON.parse(req?.body ?? "{}").data.test_mode).toBe(true);
  });

  it("records but does not forward a test-mode invoice with REJECT_TEST_MODE=true", async () => {
    const { invoiceId, deliveryIds } = await paidInvoiceFor(
      [hook(uniqueKey())],
      { REJECT_TEST_MODE: "true" },
      {
        invoice_info: (invoiceId: string) => invoiceInfo(invoiceId, { test_mode: true }),
      },
    );
    expect(deliveryIds).toEqual([]);
    expect(await rows("SELECT test_mode, not_forwarded FROM invoices WHERE invoice_id = ?", invoiceId)).toEqual([
      { test_mode: 1, not_forwarded: "test_mode" },
    ]);
    const res = await call(api(`/invoices/${invoiceId}`));
    expect(((await res.json()) as { not_forwarded: string }).not_forwarded).toBe("test_mode");
  });

  it("marks whatever reaches the dead-letter queue as exhausted", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "status=500")]);
    const result = await runConsumer([id], {}, "cryptocloud-postback-deliveries-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "exhausted", last_error: "dead_letter" });
    expect(await rows("SELECT * FROM delivery_attempts WHERE delivery_id = ?", id)).toEqual([]);
    // One delivery.exhausted signal, in the same batch; a second dead letter for it changes nothing.
    const signals = () => rows<{ kind: string; data_json: string }>("SELECT kind, data_json FROM alert_signals WHERE subject = ?", id);
    expect((await signals()).map((s) => [s.kind, JSON.parse(s.data_json).last_error])).toEqual([["delivery.exhausted", "dead_letter"]]);
    await runConsumer([id], {}, "cryptocloud-postback-deliveries-dlq");
    expect(await signals()).toHaveLength(1);
  });

  it("retries, without attempting, while the forwarding config is broken", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey())]);
    const result = await runConsumer([id], { FORWARD_SECRET: "" });
    expect(result.retryMessages).toEqual([{ msgId: `msg-0-${id}`, delaySeconds: 300 }]);
    expect(await deliveryRow(id)).toMatchObject({ state: "pending", attempt_count: 0 });
  });

  it("lets no late consumer overwrite a newer attempt: two consumers race for one delivery", async () => {
    const key = uniqueKey();
    // The first request is slow and fails; the second is quick and succeeds.
    const o = { FORWARD_TIMEOUT_MS: "5000" };
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key, "slow_first=1&sleep_ms=1500&fail_first=1")], o);
    const first = runConsumer([id], o);
    await waitUntil(async () => (await deliveryRow(id))?.attempt_count === 1);
    // Consumer A's lease runs out while its downstream is slow; consumer B takes the delivery.
    const past = new Date(Date.now() - 1000).toISOString();
    await env.DB.prepare("UPDATE deliveries SET lease_until = ?1, next_attempt_at = ?1 WHERE id = ?2").bind(past, id).run();
    const second = await runConsumer([id], o);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "delivered", attempt_count: 2 });

    const late = await first; // A's 500 arrives after B delivered
    expect(late.retryMessages).toEqual([]);
    expect(await deliveryRow(id)).toMatchObject({ state: "delivered", attempt_count: 2, last_error: null });
    expect((await attemptsOf(id)).map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    // The late failure did not count against the destination either.
    expect(await rows("SELECT id FROM destinations WHERE url LIKE ? AND consecutive_failures > 0", `%${key}%`)).toEqual([]);
  });
});

describe("the queue dispatcher", () => {
  it("reads the unversioned messages of 0.1 still in flight after an upgrade", async () => {
    const key = uniqueKey();
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key)]);
    const result = await runQueue([{ delivery_id: id }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await received(key)).toHaveLength(1);
  });

  it.each([
    ["a string", "hello"],
    ["an unknown kind", { v: 1, kind: "refund", id: "x" }],
    ["an unknown version", { v: 2, kind: "delivery", id: "x" }],
    ["a missing id", { v: 1, kind: "delivery" }],
  ])("dead-letters %s, logged, never acks it silently", async (_what, body) => {
    const sent: unknown[] = [];
    const deadLetters = { send: async (b: unknown) => void sent.push(b), sendBatch: async () => {} };
    const result = await runQueue([body], { DEAD_LETTERS: deadLetters });
    expect(sent).toEqual([body]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(logs.some((l) => l.includes('"queue.bad_message"'))).toBe(true);
  });

  it("retries a bad message when the dead-letter queue cannot take it", async () => {
    const broken = { send: async () => Promise.reject(new Error("queue down")), sendBatch: async () => {} };
    const result = await runQueue(["garbage"], { DEAD_LETTERS: broken });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
  });

  it("retries, and logs, a batch from a queue it does not know (routing is by exact name)", async () => {
    const result = await runQueue([queueMessage("delivery", "dlv_x")], {}, "cryptocloud-postback-deliveries-dlq-old");
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryBatch.retry).toBe(true);
    expect(logs.some((l) => l.includes('"queue.unknown"'))).toBe(true);
  });

  it("follows DELIVERY_QUEUE and DEAD_LETTER_QUEUE when they are renamed", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey())]);
    const result = await runQueue([queueMessage("delivery", id)], { DEAD_LETTER_QUEUE: "shop-dlq" }, "shop-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "exhausted", last_error: "dead_letter" });
  });

  it("marks a dead-lettered confirmation exhausted and a dead-lettered alert failed", async () => {
    const at = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO confirmations (invoice_id, state, next_attempt_at, updated_at) VALUES ('DLQCONF1', 'pending', ?1, ?1)",
      ).bind(at),
      env.DB.prepare(
        `INSERT INTO alerts (id, kind, subject, destination, data_json, state, next_attempt_at, created_at, updated_at)
         VALUES ('alr_dlq1', 'test', 's', 'https://ops.example/a', '{}', 'pending', ?1, ?1, ?1)`,
      ).bind(at),
    ]);
    const dlq = "cryptocloud-postback-deliveries-dlq";
    const result = await runQueue([queueMessage("confirmation", "DLQCONF1"), queueMessage("alert", "alr_dlq1")], {}, dlq);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await rows("SELECT state, last_error FROM confirmations WHERE invoice_id = 'DLQCONF1'")).toEqual([
      { state: "exhausted", last_error: "dead_letter" },
    ]);
    expect(await rows("SELECT state, last_error FROM alerts WHERE id = 'alr_dlq1'")).toEqual([
      { state: "failed", last_error: "dead_letter" },
    ]);
  });

  it("ends an unreadable message in the dead-letter queue with an error log", async () => {
    const result = await runQueue(["garbage"], {}, "cryptocloud-postback-deliveries-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    expect(logs.some((l) => l.includes('"queue.dead_letter_unreadable"'))).toBe(true);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 25));
  }
}
