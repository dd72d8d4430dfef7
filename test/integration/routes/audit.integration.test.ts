import { describe, expect, it } from "vitest";
import { hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { api, call, rows, uniqueKey } from "../../support/worker";

interface AuditRow {
  actor_kind: string;
  actor_id: string;
  action: string;
  target: string | null;
  request_id: string;
  summary_json: string;
}

const entriesFor = (requestId: string) => rows<AuditRow>("SELECT * FROM audit_log WHERE request_id = ?", requestId);
const withRay = (path: string, ray: string) => api(path, { method: "POST", headers: { "cf-ray": ray } });

describe("the audit log of operator actions", () => {
  it("records one entry for a single redeliver, with the token's actor and the invoice", async () => {
    const url = hook(uniqueKey());
    const { invoiceId, deliveryIds } = await paidInvoiceFor([url]);
    await runConsumer(deliveryIds);
    const ray = `ray-${uniqueKey()}`;
    expect((await call(withRay(`/invoices/${invoiceId}/redeliver`, ray), { FORWARD_URL: url })).status).toBe(202);
    const entries = await entriesFor(ray);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_kind: "token", actor_id: "api_token", action: "invoice.redeliver", target: invoiceId });
  });

  it("records a bulk redeliver with how many deliveries it moved", async () => {
    const url = hook(uniqueKey(), "status=400");
    const since = new Date().toISOString();
    const o = { FORWARD_RETRY_DELAYS: "0" };
    const { deliveryIds } = await paidInvoiceFor([url], o);
    await runConsumer(deliveryIds, o);
    await runConsumer(deliveryIds, o);
    const ray = `ray-${uniqueKey()}`;
    const res = await call(withRay(`/deliveries/redeliver?state=exhausted&since=${encodeURIComponent(since)}`, ray), { FORWARD_URL: url });
    const { count } = (await res.json()) as { count: number };
    expect(count).toBeGreaterThanOrEqual(1);
    const [entry] = await entriesFor(ray);
    expect(entry?.action).toBe("deliveries.redeliver");
    expect(JSON.parse(entry?.summary_json ?? "{}")).toEqual({ state: "exhausted", since, count });
  });

  it("writes nothing for a refused action or a read", async () => {
    const ray = `ray-${uniqueKey()}`;
    expect((await call(withRay("/invoices/NOPE0000/redeliver", ray))).status).toBe(404);
    expect((await call(withRay("/deliveries/redeliver?state=exhausted&since=2026-01-01T00:00:00Z", ray), { FORWARD_URL: "" })).status).toBe(
      409,
    );
    expect((await call(api("/invoices", { headers: { "cf-ray": ray } }))).status).toBe(200);
    expect(await entriesFor(ray)).toEqual([]);
  });
});
