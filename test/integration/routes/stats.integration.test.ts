import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { api, call, type EnvOverrides, uniqueKey } from "../../support/worker";

type Stats = {
  invoices_by_status: Record<string, number>;
  deliveries_by_state: Record<string, number>;
  oldest_pending_delivery_age_seconds: number | null;
  recorded_not_forwarded: number;
  alerts: Record<string, number | string | null>;
  tables: Record<string, number>;
  reconciliation: Record<string, unknown>;
  retention: Record<string, unknown>;
  database_bytes: number;
};

const stats = async (overrides: EnvOverrides = {}): Promise<Stats> => (await (await call(api("/stats"), overrides)).json()) as Stats;
/** Nothing else pending: the only pending delivery is the test's own. */
const settleOthers = () => env.DB.prepare("UPDATE deliveries SET state = 'delivered' WHERE state = 'pending'").run();

describe("GET /stats", () => {
  it("counts one new invoice, its receipt, event and pending delivery exactly", async () => {
    await settleOthers();
    const before = await stats();
    const { deliveryIds } = await paidInvoiceFor([hook(uniqueKey())]);
    await env.DB.prepare("UPDATE deliveries SET pending_since = ?2 WHERE id = ?1")
      .bind(deliveryIds[0], new Date(Date.now() - 120_000).toISOString())
      .run();
    const after = await stats();
    expect(after.invoices_by_status.paid).toBe((before.invoices_by_status.paid ?? 0) + 1);
    expect(after.deliveries_by_state.pending).toBe(1);
    for (const table of ["invoices", "postbacks", "events", "deliveries"])
      expect([table, after.tables[table]]).toEqual([table, (before.tables[table] ?? 0) + 1]);
    expect(after.tables.delivery_attempts).toBe(before.tables.delivery_attempts);
    expect(after.oldest_pending_delivery_age_seconds).toBeGreaterThanOrEqual(120);
    expect(after.oldest_pending_delivery_age_seconds).toBeLessThanOrEqual(121);
    expect(after.recorded_not_forwarded).toBe(before.recorded_not_forwarded);

    await runConsumer(deliveryIds);
    const delivered = await stats();
    expect(delivered.deliveries_by_state.pending ?? 0).toBe(0);
    expect(delivered.deliveries_by_state.delivered).toBe((after.deliveries_by_state.delivered ?? 0) + 1);
    expect(delivered.tables.delivery_attempts).toBe((after.tables.delivery_attempts ?? 0) + 1);
    expect(delivered.oldest_pending_delivery_age_seconds).toBeNull();
  });

  it("requires the API token", async () => {
    expect((await call(new Request("https://worker.test/stats"))).status).toBe(401);
  });

  it("measures the oldest pending delivery from when it became due, so a redelivered old one starts at zero", async () => {
    await settleOthers();
    const target = hook(uniqueKey());
    const { invoiceId, deliveryIds } = await paidInvoiceFor([target]);
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    await env.DB.prepare("UPDATE deliveries SET state = 'exhausted', created_at = ?2, pending_since = NULL WHERE id = ?1")
      .bind(deliveryIds[0], dayAgo)
      .run();
    await call(api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), { FORWARD_URL: target });
    const age = (await stats()).oldest_pending_delivery_age_seconds;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThanOrEqual(1);
  });

  it("counts alerts by outcome, and shows reconciliation (when configured), the database size and retention", async () => {
    const before = await stats();
    const at = new Date().toISOString();
    const insert = env.DB.prepare(
      `INSERT INTO alerts (id, kind, subject, destination, data_json, state, next_attempt_at, last_error, created_at, updated_at)
       VALUES (?1, 'test', 's', 'https://ops.example/a', '{}', ?2, ?3, ?4, ?3, ?3)`,
    );
    await env.DB.batch([
      insert.bind(`alr_${uniqueKey()}`, "sent", at, null),
      insert.bind(`alr_${uniqueKey()}`, "sent", at, null),
      insert.bind(`alr_${uniqueKey()}`, "failed", at, "http_5xx"),
    ]);
    const body = await stats({ CRYPTOCLOUD_API_KEY: "k" });
    expect(body.alerts).toEqual({
      destinations: 0,
      sent: Number(before.alerts.sent) + 2,
      failed: Number(before.alerts.failed) + 1,
      pending: before.alerts.pending,
      missed: before.alerts.missed,
      summarized: before.alerts.summarized,
      last_error: `${at} test: http_5xx`,
    });
    expect(body.tables.alerts).toBe((before.tables.alerts ?? 0) + 3);
    expect(body.reconciliation).toMatchObject({
      configured: true,
      enabled: true,
      last_run_at: null,
      last_success_at: null,
      last_error: null,
      recovered_total: 0,
    });
    expect(body.database_bytes).toBeGreaterThan(0);
    expect(body.retention).toEqual({ days: 90, undelivered_days: 365, last_prune_at: null, last_prune: null, removed_total: 0 });
    expect((await stats()).reconciliation).toMatchObject({ configured: false, enabled: false });
  });
});
