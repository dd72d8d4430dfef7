import { describe, expect, it } from "vitest";
import { deliveryRow, hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { api, call, received, uniqueKey } from "../../support/worker";

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
    const a = await paidInvoiceFor([hook(uniqueKey(), "fail_first=2")], o);
    const b = await paidInvoiceFor([hook(uniqueKey(), "fail_first=2")], o);
    for (const d of [...a.deliveryIds, ...b.deliveryIds]) {
      await runConsumer([d], o);
      await runConsumer([d], o);
    }
    expect(await deliveryRow(a.deliveryIds[0] ?? "")).toMatchObject({ state: "exhausted" });
    const res = await call(api(`/deliveries/redeliver?state=exhausted&since=${encodeURIComponent(since)}`, { method: "POST" }), {
      FORWARD_URL: hook(uniqueKey()),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { count: number }).count).toBeGreaterThanOrEqual(2);
    expect(await deliveryRow(a.deliveryIds[0] ?? "")).toMatchObject({ state: "pending", round: 2 });
  });

  it.each(["state=delivered", "since=garbage", ""])("answers 400 for a bulk redeliver with %j", async (q) => {
    expect((await call(api(`/deliveries/redeliver?${q}`, { method: "POST" }))).status).toBe(400);
  });
});
