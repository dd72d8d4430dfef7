import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliveryRow, hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { fields, formRequest } from "../../support/postbacks";
import { watchedQueue } from "../../support/queue";
import { api, call, newInvoiceId, received, rows, runCron, uniqueKey } from "../../support/worker";

/** Time passing, as the sweeper sees it: the delivery fell due `ms` ago. */
async function dueAgo(id: string, ms: number) {
  await env.DB.prepare("UPDATE deliveries SET next_attempt_at = ? WHERE id = ?")
    .bind(new Date(Date.now() - ms).toISOString(), id)
    .run();
}

describe("the sweeper", () => {
  it("re-enqueues a delivery whose enqueue was lost, and it is then delivered", async () => {
    const key = uniqueKey();
    const broken = watchedQueue(true);
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(key)], { DELIVERIES: broken.queue });
    expect(await deliveryRow(id)).toMatchObject({ state: "pending" });
    await dueAgo(id, 61_000);

    // The lost enqueue is recorded on the delivery and counted in /stats, not only logged.
    expect((await deliveryRow(id))?.enqueue_failed_at).toEqual(expect.any(String));
    const stats = (await (await call(api("/stats"))).json()) as { deliveries_enqueue_failed: number };
    expect(stats.deliveries_enqueue_failed).toBeGreaterThanOrEqual(1);

    const watched = watchedQueue();
    await runCron(new Date(), { DELIVERIES: watched.queue, FORWARD_URL: hook(key) });
    expect(watched.sent).toContain(id);
    expect((await deliveryRow(id))?.enqueue_failed_at).toBeNull();

    await runConsumer([id]);
    expect(await received(key)).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ state: "delivered" });
  });

  it("leaves alone a delivery that is not yet overdue", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey())]);
    const watched = watchedQueue();
    await runCron(new Date(), { DELIVERIES: watched.queue });
    expect(watched.sent).not.toContain(id);
  });

  it("does not re-enqueue the same lost delivery on every run", async () => {
    const {
      deliveryIds: [id = ""],
    } = await paidInvoiceFor([hook(uniqueKey())], { DELIVERIES: watchedQueue(true).queue });
    await dueAgo(id, 61_000);
    const t = Date.now();
    const first = watchedQueue();
    await runCron(new Date(t), { DELIVERIES: first.queue });
    const second = watchedQueue();
    await runCron(new Date(t + 30_000), { DELIVERIES: second.queue });
    expect(first.sent).toContain(id);
    expect(second.sent).not.toContain(id);
  });

  it("repairs a KV projection whose write was lost", async () => {
    const id = newInvoiceId();
    const failingKv = {
      put: async () => {
        throw new Error("KV unavailable");
      },
      get: env.INVOICES.get.bind(env.INVOICES),
    };
    expect((await call(formRequest(await fields(id)), { INVOICES: failingKv })).status).toBe(200);
    expect(await env.INVOICES.get(`invoice:${id}`)).toBeNull();
    await runCron(new Date(Date.now() + 11_000));
    expect(JSON.parse((await env.INVOICES.get(`invoice:${id}`)) ?? "null")).toMatchObject({ invoice_id: id, status: "paid" });
    expect(await rows("SELECT projected_version = version AS synced FROM invoices WHERE invoice_id = ?", id)).toEqual([{ synced: 1 }]);
  });

  it("does not rewrite a KV projection that is already current", async () => {
    const id = newInvoiceId();
    await call(formRequest(await fields(id)));
    const puts: string[] = [];
    const watchedKv = {
      put: (k: string, v: string, o: KVNamespacePutOptions) => {
        puts.push(k);
        return env.INVOICES.put(k, v, o);
      },
      getWithMetadata: env.INVOICES.getWithMetadata.bind(env.INVOICES),
    };
    await runCron(new Date(Date.now() + 11_000), { INVOICES: watchedKv });
    expect(puts).not.toContain(`invoice:${id}`);
    expect(await rows("SELECT projected_version = version AS synced FROM invoices WHERE invoice_id = ?", id)).toEqual([{ synced: 1 }]);
  });
});
