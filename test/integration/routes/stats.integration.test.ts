import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hook, paidInvoiceFor } from "../../support/delivery";
import { api, call, uniqueKey } from "../../support/worker";

describe("GET /stats", () => {
  it("counts invoices by status, deliveries by state, and the oldest pending delivery's age", async () => {
    await paidInvoiceFor([hook(uniqueKey())]);
    const res = await call(api("/stats"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      invoices_by_status: Record<string, number>;
      deliveries_by_state: Record<string, number>;
      oldest_pending_delivery_age_seconds: number | null;
    };
    expect(body.invoices_by_status.paid).toBeGreaterThanOrEqual(1);
    expect(body.deliveries_by_state.pending).toBeGreaterThanOrEqual(1);
    expect(body.oldest_pending_delivery_age_seconds).toBeGreaterThanOrEqual(0);
  });

  it("requires the API token", async () => {
    expect((await call(new Request("https://worker.test/stats"))).status).toBe(401);
  });

  it("measures the oldest pending delivery from when it became due, so a redelivered old one starts at zero", async () => {
    await env.DB.prepare("UPDATE deliveries SET state = 'delivered' WHERE state = 'pending'").run();
    const target = hook(uniqueKey());
    const { invoiceId, deliveryIds } = await paidInvoiceFor([target]);
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    await env.DB.prepare("UPDATE deliveries SET state = 'exhausted', created_at = ?2, pending_since = NULL WHERE id = ?1")
      .bind(deliveryIds[0], dayAgo)
      .run();
    await call(api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), { FORWARD_URL: target });
    const body = (await (await call(api("/stats"))).json()) as { oldest_pending_delivery_age_seconds: number };
    expect(body.oldest_pending_delivery_age_seconds).toBeLessThan(60);
  });

  it("shows reconciliation (when configured), alerts, table sizes, the database size and the last prune", async () => {
    const body = (await (await call(api("/stats"), { CRYPTOCLOUD_API_KEY: "k" })).json()) as Record<string, unknown>;
    expect(body.reconciliation).toMatchObject({
      configured: true,
      enabled: true,
      last_run_at: null,
      last_success_at: null,
      last_error: null,
      recovered_total: 0,
    });
    expect(body.alerts).toMatchObject({ sent: expect.any(Number), failed: expect.any(Number), last_error: null });
    expect(body.tables).toMatchObject({
      invoices: expect.any(Number),
      postbacks: expect.any(Number),
      delivery_attempts: expect.any(Number),
    });
    expect(body.database_bytes).toBeGreaterThan(0);
    expect(body.retention).toMatchObject({ days: 90, last_prune_at: null });
    expect(((await (await call(api("/stats"))).json()) as Record<string, unknown>).reconciliation).toMatchObject({
      configured: false,
      enabled: false,
    });
  });
});
