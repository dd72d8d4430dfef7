import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliveryRow, hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { invoiceInfo } from "../../support/postbacks";
import { api, call, received, rows, uniqueKey } from "../../support/worker";

const overrides = (url: string) => ({ FORWARD_URL: url });

describe("GET /invoices/:id/deliveries", () => {
  it("lists each delivery with its attempts", async () => {
    const key = uniqueKey();
    const url = hook(key, "fail_first=1");
    const {
      invoiceId,
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([url], { FORWARD_RETRY_DELAYS: "0" });
    await runConsumer([id], { FORWARD_RETRY_DELAYS: "0" });
    await runConsumer([id], { FORWARD_RETRY_DELAYS: "0" });
    const body = (await (await call(api(`/invoices/${invoiceId}/deliveries`))).json()) as {
      deliveries: { id: string; state: string; attempts: { attempt: number; status_code: number; latency_ms: number }[] }[];
    };
    expect(body.deliveries).toHaveLength(1);
    expect(body.deliveries[0]).toMatchObject({ id, state: "delivered", destination: url });
    expect(body.deliveries[0]?.attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it("requires the API token", async () => {
    expect((await call(new Request("https://worker.test/invoices/X/deliveries"))).status).toBe(401);
  });
});

describe("POST /invoices/:id/redeliver", () => {
  it("answers 202 and delivers the current event again with the same webhook-id", async () => {
    const key = uniqueKey();
    const url = hook(key);
    const {
      invoiceId,
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([url]);
    await runConsumer([id]);
    const res = await call(api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), overrides(url));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ invoice_id: invoiceId, deliveries: [id] });
    expect(await deliveryRow(id)).toMatchObject({ state: "pending", round: 2, attempt_count: 0 });
    await runConsumer([id]);
    const reqs = await received(key);
    expect(reqs).toHaveLength(2);
    expect(reqs[1]?.headers["webhook-id"]).toBe(reqs[0]?.headers["webhook-id"]);
    expect(reqs[1]?.body).toBe(reqs[0]?.body);
  });

  it("answers 404 for an unknown invoice", async () => {
    expect((await call(api("/invoices/NOPE0000/redeliver", { method: "POST" }))).status).toBe(404);
  });
});

describe("GET /deliveries and POST /deliveries/redeliver", () => {
  it("lists deliveries by state", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey(), "status=410")]);
    await runConsumer([id]);
    const body = (await (await call(api("/deliveries?state=failed&limit=200"))).json()) as { deliveries: { id: string; state: string }[] };
    expect(body.deliveries.map((d) => d.id)).toContain(id);
    expect(body.deliveries.every((d) => d.state === "failed")).toBe(true);
  });

  it("replays every exhausted delivery since a time, and answers 202 with the count", async () => {
    const since = new Date().toISOString();
    const o = { FORWARD_RETRY_DELAYS: "0" };
    const target = hook(uniqueKey(), "status=400");
    const a = await paidInvoiceFor([target], o);
    const b = await paidInvoiceFor([target], o);
    for (const d of [...a.deliveryIds, ...b.deliveryIds]) {
      await runConsumer([d], o);
      await runConsumer([d], o);
    }
    expect(await deliveryRow(a.deliveryIds[0] ?? "")).toMatchObject({ state: "exhausted" });
    const res = await call(api(`/deliveries/redeliver?state=exhausted&since=${encodeURIComponent(since)}`, { method: "POST" }), {
      FORWARD_URL: target,
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { count: number }).count).toBeGreaterThanOrEqual(2);
    expect(await deliveryRow(a.deliveryIds[0] ?? "")).toMatchObject({ state: "pending", round: 2 });
  });

  it.each(["state=delivered", "since=garbage", ""])("answers 400 for a bulk redeliver with %j", async (q) => {
    expect((await call(api(`/deliveries/redeliver?${q}`, { method: "POST" }))).status).toBe(400);
  });

  it("moves at most 500 deliveries a call and says when there are more, so a large outage is paged through", async () => {
    const target = hook(uniqueKey());
    const { invoiceId } = await paidInvoiceFor([target]);
    const [dest] = await rows<{ id: string }>("SELECT destination_id AS id FROM deliveries WHERE invoice_id = ?", invoiceId);
    const at = "2099-01-01T00:00:00.000Z";
    // 501 events of one invoice (one delivery each to the same destination), exhausted.
    await env.DB.batch([
      env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 501)
         INSERT INTO events (id, invoice_id, type, payload, created_at) SELECT 'evt_bulk_' || ?1 || '_' || i, ?1, 'invoice.bulk' || i, '{}', ?2 FROM n`,
      ).bind(invoiceId, at),
      env.DB.prepare(
        `INSERT INTO deliveries (id, event_id, invoice_id, destination, destination_id, state, next_attempt_at, created_at, updated_at)
         SELECT 'dlv_bulk_' || substr(e.id, 10), e.id, ?1, ?2, ?3, 'exhausted', ?4, ?4, ?4 FROM events e WHERE e.id LIKE 'evt_bulk_' || ?1 || '_%'`,
      ).bind(invoiceId, target, dest?.id, at),
    ]);
    const redeliver = () =>
      call(api("/deliveries/redeliver?state=exhausted&since=2098-12-31T00:00:00Z", { method: "POST" }), { FORWARD_URL: target });
    const first = await redeliver();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ count: 500, more: true });
    expect(await redeliver().then((r) => r.json())).toMatchObject({ count: 1, more: false });
    expect(await redeliver().then((r) => r.json())).toMatchObject({ count: 0, more: false });
    expect(await rows("SELECT count(*) AS n FROM deliveries WHERE id LIKE 'dlv_bulk_%' AND state = 'pending' AND round = 2")).toEqual([
      { n: 501 },
    ]);
  });

  it("answers 409 naming FORWARD_URL when there is nowhere to redeliver to (not a 500)", async () => {
    const { invoiceId } = await paidInvoiceFor([hook(uniqueKey())]);
    for (const path of [`/invoices/${invoiceId}/redeliver`, "/deliveries/redeliver?since=2026-01-01T00:00:00Z"]) {
      const res = await call(api(path, { method: "POST" }), { FORWARD_URL: "" });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string; detail: string }).detail).toContain("FORWARD_URL");
    }
    const broken = await call(api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), { FORWARD_URL: "ftp://x" });
    expect(broken.status).toBe(409);
  });

  it("keeps a test-mode invoice unforwarded under REJECT_TEST_MODE on single and bulk redeliver", async () => {
    const since = new Date().toISOString();
    const target = hook(uniqueKey(), "status=400");
    const { invoiceId, deliveryIds } = await paidInvoiceFor(
      [target],
      { FORWARD_RETRY_DELAYS: "0" },
      {
        invoice_info: (id: string) => invoiceInfo(id, { test_mode: true }),
      },
    );
    await runConsumer(deliveryIds, { FORWARD_RETRY_DELAYS: "0" });
    await runConsumer(deliveryIds, { FORWARD_RETRY_DELAYS: "0" });
    expect(await deliveryRow(deliveryIds[0] ?? "")).toMatchObject({ state: "exhausted" });
    const reject = { FORWARD_URL: target, REJECT_TEST_MODE: "true" };
    const single = await call(api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), reject);
    expect(await single.json()).toMatchObject({ deliveries: [] });
    await call(api(`/deliveries/redeliver?since=${encodeURIComponent(since)}`, { method: "POST" }), reject);
    expect(await deliveryRow(deliveryIds[0] ?? "")).toMatchObject({ state: "exhausted", round: 1 });
  });

  it("shows one delivery with its attempts, and 404 for an unknown one", async () => {
    const { deliveryIds } = await paidInvoiceFor([hook(uniqueKey())]);
    await runConsumer(deliveryIds);
    const res = await call(api(`/deliveries/${deliveryIds[0]}`));
    expect(await res.json()).toMatchObject({ id: deliveryIds[0], state: "delivered", attempts: [{ attempt: 1, status_code: 200 }] });
    expect((await call(api("/deliveries/dlv_nope"))).status).toBe(404);
  });
});
