import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { API_TOKEN_ACTOR } from "../../../src/domain/audit";
import { prune } from "../../../src/retention/prune";
import { auditStatement } from "../../../src/store/audit";
import { API_KEY, fakeApi } from "../../support/cryptocloud";
import { hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { api, call, envWith, rows, runCron, uniqueKey } from "../../support/worker";

const DAY = 86_400_000;

/** Moves an invoice's receipts, attempts and deliveries `days` into the past. */
async function age(invoiceId: string, days: number) {
  const at = new Date(Date.now() - days * DAY).toISOString();
  await env.DB.batch([
    env.DB.prepare("UPDATE postbacks SET received_at = ?2 WHERE invoice_id = ?1").bind(invoiceId, at),
    env.DB.prepare("UPDATE deliveries SET updated_at = ?2, created_at = ?2 WHERE invoice_id = ?1").bind(invoiceId, at),
    env.DB.prepare(
      "UPDATE delivery_attempts SET started_at = ?2 WHERE delivery_id IN (SELECT id FROM deliveries WHERE invoice_id = ?1)",
    ).bind(invoiceId, at),
  ]);
}

const count = async (sql: string, id: string) => Number((await rows<{ n: number }>(sql, id))[0]?.n);
const kept = async (id: string) => ({
  invoices: await count("SELECT count(*) AS n FROM invoices WHERE invoice_id = ?", id),
  events: await count("SELECT count(*) AS n FROM events WHERE invoice_id = ?", id),
  postbacks: await count("SELECT count(*) AS n FROM postbacks WHERE invoice_id = ?", id),
  deliveries: await count("SELECT count(*) AS n FROM deliveries WHERE invoice_id = ?", id),
  attempts: await count(
    "SELECT count(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.invoice_id = ?",
    id,
  ),
});

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM jobs").run();
});

describe("retention (RETENTION_DAYS, default 90)", () => {
  it("prunes old receipts, attempts and finished deliveries; keeps invoices, events, pending deliveries and held invoices' receipts", async () => {
    const done = await paidInvoiceFor([hook(uniqueKey())]);
    await runConsumer(done.deliveryIds);
    const retrying = await paidInvoiceFor([hook(uniqueKey(), "status=500")], { FORWARD_RETRY_DELAYS: "600" });
    await runConsumer(retrying.deliveryIds, { FORWARD_RETRY_DELAYS: "600" });
    const apiFake = await fakeApi([{ status: 503, body: {} }]);
    const held = await paidInvoiceFor([hook(uniqueKey())], { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_API_URL: apiFake.url });
    const fresh = await paidInvoiceFor([hook(uniqueKey())]);
    await runConsumer(fresh.deliveryIds);
    for (const inv of [done, retrying, held]) await age(inv.invoiceId, 91);

    await runCron(new Date(), { RECONCILE_INTERVAL_MINUTES: "0" });

    expect(await kept(done.invoiceId)).toEqual({ invoices: 1, events: 1, postbacks: 0, deliveries: 0, attempts: 0 });
    expect(await kept(retrying.invoiceId)).toEqual({ invoices: 1, events: 1, postbacks: 0, deliveries: 1, attempts: 1 });
    expect(await kept(held.invoiceId)).toMatchObject({ invoices: 1, postbacks: 1 });
    expect(await kept(fresh.invoiceId)).toEqual({ invoices: 1, events: 1, postbacks: 1, deliveries: 1, attempts: 1 });
    expect(await env.INVOICES.get(`invoice:${done.invoiceId}`)).not.toBeNull();

    const stats = (await (await call(api("/stats"))).json()) as {
      retention: { last_prune_at: string; last_prune: Record<string, unknown> };
    };
    expect(stats.retention.last_prune_at).toEqual(expect.any(String));
    expect(stats.retention.last_prune).toMatchObject({
      removed: { postbacks: expect.any(Number), deliveries: expect.any(Number) },
      more: false,
    });
  });

  it("keeps what never arrived (exhausted, 410) with its attempts for UNDELIVERED_RETENTION_DAYS (365), then prunes it", async () => {
    // 400: refused while reachable, so it is exhausted (a 5xx would open the circuit and hold it).
    const refusing = hook(uniqueKey(), "status=400");
    const exhausted = await paidInvoiceFor([refusing], { FORWARD_RETRY_DELAYS: "0" });
    await runConsumer(exhausted.deliveryIds, { FORWARD_RETRY_DELAYS: "0" });
    await runConsumer(exhausted.deliveryIds, { FORWARD_RETRY_DELAYS: "0" });
    const gone = await paidInvoiceFor([hook(uniqueKey(), "status=410")]);
    await runConsumer(gone.deliveryIds);
    expect(
      await rows("SELECT state FROM deliveries WHERE id IN (?, ?) ORDER BY state", exhausted.deliveryIds[0], gone.deliveryIds[0]),
    ).toEqual([{ state: "exhausted" }, { state: "failed" }]);
    for (const inv of [exhausted, gone]) await age(inv.invoiceId, 91);
    await prune(envWith(), new Date(), { force: true });
    expect(await kept(exhausted.invoiceId)).toEqual({ invoices: 1, events: 1, postbacks: 0, deliveries: 1, attempts: 2 });
    expect(await kept(gone.invoiceId)).toEqual({ invoices: 1, events: 1, postbacks: 0, deliveries: 1, attempts: 1 });
    // Bulk redeliver still finds it after the prune.
    const since = new Date(Date.now() - 100 * DAY).toISOString();
    const redeliver = await call(api(`/deliveries/redeliver?state=exhausted&since=${since}`, { method: "POST" }), {
      FORWARD_URL: refusing,
    });
    expect(redeliver.status).toBe(202);
    expect(await rows("SELECT state FROM deliveries WHERE id = ?", exhausted.deliveryIds[0])).toEqual([{ state: "pending" }]);
    await env.DB.prepare("UPDATE deliveries SET state = 'exhausted' WHERE id = ?").bind(exhausted.deliveryIds[0]).run();
    await age(exhausted.invoiceId, 91);

    await prune(envWith({ UNDELIVERED_RETENTION_DAYS: "0" }), new Date(), { force: true });
    expect(await kept(gone.invoiceId)).toMatchObject({ deliveries: 1, attempts: 1 }); // 0: kept until delivered

    for (const inv of [exhausted, gone]) await age(inv.invoiceId, 366);
    await prune(envWith(), new Date(), { force: true });
    expect(await kept(exhausted.invoiceId)).toMatchObject({ deliveries: 0, attempts: 0 });
    expect(await kept(gone.invoiceId)).toMatchObject({ deliveries: 0, attempts: 0 });
  });

  it("deletes in bounded batches, and the next cron run resumes when there is more", async () => {
    const { invoiceId } = await paidInvoiceFor([hook(uniqueKey())]);
    const old = new Date(Date.now() - 200 * DAY).toISOString();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
       INSERT INTO postbacks (invoice_id, received_at, content_type, api_version, status, amount_crypto, currency, request_id)
       SELECT ?1, ?2, 'form', 1, 'paid', '1', 'BTC', 'r' || i FROM n`,
    )
      .bind(invoiceId, old)
      .run();
    const now = new Date();
    const first = await prune(envWith(), now, { force: true, batchRows: 5, maxStatements: 3 });
    expect(first).toMatchObject({ statements: 3, more: true, removed: { postbacks: 5 } });
    const oldLeft = () =>
      rows<{ n: number }>("SELECT count(*) AS n FROM postbacks WHERE invoice_id = ? AND received_at = ?", invoiceId, old);
    expect(await oldLeft()).toEqual([{ n: 25 }]);

    await runCron(new Date(now.getTime() + 60_000), { RECONCILE_INTERVAL_MINUTES: "0" }); // not a day later: it resumes
    expect(await oldLeft()).toEqual([{ n: 0 }]);
    expect((await rows("SELECT cursor_json FROM jobs WHERE name = 'retention'"))[0]).toEqual({ cursor_json: null });
  });

  it("runs once a day: a claim in D1 keeps two isolates from pruning at once", async () => {
    const now = new Date();
    const [a, b] = await Promise.all([prune(envWith(), now), prune(envWith(), now)]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    expect(await prune(envWith(), new Date(now.getTime() + 3600_000))).toBeNull();
    expect(await prune(envWith(), new Date(now.getTime() + 25 * 3600_000))).not.toBeNull();
  });

  it("keeps everything with RETENTION_DAYS=0", async () => {
    const { invoiceId } = await paidInvoiceFor([hook(uniqueKey())]);
    await age(invoiceId, 4000);
    expect(await prune(envWith({ RETENTION_DAYS: "0", AUDIT_RETENTION_DAYS: "0" }), new Date(), { force: true })).toBeNull();
    await prune(envWith({ RETENTION_DAYS: "0" }), new Date(), { force: true }); // the audit log's own retention still runs
    expect(await kept(invoiceId)).toMatchObject({ postbacks: 1, deliveries: 1 });
  });

  it("keeps audit entries AUDIT_RETENTION_DAYS (365), whatever RETENTION_DAYS says", async () => {
    const entry = (target: string) => ({ actor: API_TOKEN_ACTOR, action: "test.retention", target, requestId: "r", summary: {} });
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    await env.DB.batch([auditStatement(env.DB, entry("d100"), ago(100)), auditStatement(env.DB, entry("d400"), ago(400))]);
    const left = async () =>
      (await rows<{ target: string }>("SELECT target FROM audit_log WHERE action = 'test.retention'")).map((r) => r.target);
    await prune(envWith({ RETENTION_DAYS: "7" }), new Date(), { force: true });
    expect(await left()).toEqual(["d100"]);
    await prune(envWith({ AUDIT_RETENTION_DAYS: "0" }), ago(-365), { force: true }); // 0 keeps the log forever
    expect(await left()).toEqual(["d100"]);
    await prune(envWith({ RETENTION_DAYS: "0", AUDIT_RETENTION_DAYS: "30" }), new Date(), { force: true });
    expect(await left()).toEqual([]);
  });
});
