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
});
