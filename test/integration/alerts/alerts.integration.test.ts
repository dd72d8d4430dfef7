import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { ALERT_RETRY_DELAYS } from "../../../src/alerts/send";
import { configDestinationId } from "../../../src/domain/destination-id";
import { queueMessage } from "../../../src/domain/message";
import { API_KEY, apiInvoice, fakeAccount, fakeApi } from "../../support/cryptocloud";
import { hook, paidInvoiceFor, runConfirmation, runConsumer, runQueue } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { api, call, received, rows, runCron, uniqueKey } from "../../support/worker";

const logs = captureLogs();
const wh = new Webhook(env.FORWARD_SECRET);

/** A generic alert receiver on loopback. */
function alertSink(query = "") {
  const key = uniqueKey();
  return { key, url: hook(key, query), overrides: { ALERT_URL: hook(key, query) } };
}

/** The cron turns signals into alerts; then the queue consumer sends every pending alert once. */
async function flushAlerts(overrides: Record<string, unknown>, at = new Date()) {
  await runCron(at, overrides);
  // The cron may run "in the future" (an injected clock): its alerts are due now.
  await env.DB.prepare("UPDATE alerts SET next_attempt_at = ?1 WHERE state = 'pending'").bind(new Date(0).toISOString()).run();
  const pending = await rows<{ id: string }>("SELECT id FROM alerts WHERE state = 'pending'");
  if (pending.length)
    await runQueue(
      pending.map((a) => queueMessage("alert", a.id)),
      overrides,
    );
}

type Generic = { type: string; timestamp: string; data: Record<string, unknown> };

/** The generic alerts a sink received, each verified with the standardwebhooks library. */
async function alertsAt(key: string, kind?: string): Promise<Generic[]> {
  const all = (await received(key)).map((r) => wh.verify(r.body, r.headers) as Generic);
  return kind ? all.filter((a) => a.type === kind) : all;
}

const NO_WAIT = { FORWARD_RETRY_DELAYS: "0" };

describe("alerts, in the generic format (signed like events)", () => {
  it("delivery.exhausted: a delivery used its last retry (the backend refused this event)", async () => {
    const sink = alertSink();
    const target = hook(uniqueKey(), "status=400");
    const { invoiceId, deliveryIds } = await paidInvoiceFor([target], NO_WAIT, { order_id: "ORD-EXH" });
    await runConsumer(deliveryIds, NO_WAIT);
    await runConsumer(deliveryIds, NO_WAIT);
    await flushAlerts(sink.overrides);
    const [alert] = await alertsAt(sink.key, "delivery.exhausted");
    expect(alert?.data).toMatchObject({ invoice_id: invoiceId, order_id: "ORD-EXH", destination: target, last_error: "http_4xx" });
    expect(alert?.data.summary).toContain(invoiceId);
  });

  it("one alert for a storm of exhausted deliveries to one destination; the next says how many followed", async () => {
    const sink = alertSink();
    // 400: the backend refuses these events while it is reachable, so each one is exhausted (a 5xx
    // would open the circuit instead: a destination down for everyone exhausts nothing).
    const target = hook(uniqueKey(), "status=400");
    const exhaust = async () => {
      const { deliveryIds } = await paidInvoiceFor([target], NO_WAIT);
      await runConsumer(deliveryIds, NO_WAIT);
      await runConsumer(deliveryIds, NO_WAIT);
    };
    for (let i = 0; i < 6; i++) await exhaust();
    const start = Date.now();
    await flushAlerts(sink.overrides, new Date(start));
    expect(await alertsAt(sink.key, "delivery.exhausted")).toHaveLength(1);

    await exhaust();
    await flushAlerts(sink.overrides, new Date(start + 61 * 60_000));
    const both = await alertsAt(sink.key, "delivery.exhausted");
    expect(both).toHaveLength(2);
    expect(both[1]?.data).toMatchObject({ destination: target, suppressed: 5 });
  });

  it("destination.gone: a destination answered 410", async () => {
    const sink = alertSink();
    const target = hook(uniqueKey(), "status=410");
    const { deliveryIds } = await paidInvoiceFor([target]);
    await runConsumer(deliveryIds);
    await flushAlerts(sink.overrides);
    expect((await alertsAt(sink.key, "destination.gone"))[0]?.data).toMatchObject({ destination: target });
  });

  it("destination.failing when a circuit opens (CIRCUIT_FAILURES in a row), destination.recovered when a probe closes it", async () => {
    const sink = alertSink();
    const target = hook(uniqueKey(), "fail_first=5");
    const o = { FORWARD_RETRY_DELAYS: "30", CIRCUIT_FAILURES: "5" };
    const invoices = [];
    for (let i = 0; i < 5; i++) invoices.push(await paidInvoiceFor([target], o));
    for (const [i, inv] of invoices.entries()) {
      await runConsumer(inv.deliveryIds, o);
      if (i === 3) {
        await flushAlerts({ ...sink.overrides, FORWARD_URL: target });
        expect(await alertsAt(sink.key, "destination.failing")).toEqual([]); // four is not yet failing
      }
    }
    await flushAlerts({ ...sink.overrides, FORWARD_URL: target });
    expect((await alertsAt(sink.key, "destination.failing"))[0]?.data).toMatchObject({ destination: target, consecutive_failures: 5 });

    const again = await paidInvoiceFor([target], o);
    await runConsumer(again.deliveryIds, o); // held: the circuit is open
    const id = configDestinationId(target);
    await env.DB.prepare("UPDATE destinations SET next_probe_at = ?2 WHERE id = ?1")
      .bind(id, new Date(Date.now() - 1000).toISOString())
      .run();
    await runQueue([queueMessage("probe", id)], o);
    await flushAlerts({ ...sink.overrides, FORWARD_URL: target });
    expect((await alertsAt(sink.key, "destination.recovered"))[0]?.data).toMatchObject({ destination: target, released: 0 });
    expect(await alertsAt(sink.key, "destination.failing")).toHaveLength(1);
  });

  it("confirmation.unauthorized: CryptoCloud's API refused the key", async () => {
    const sink = alertSink();
    const apiFake = await fakeApi([{ status: 401, body: { status: "error", result: { authorization: "Unauthorized request." } } }]);
    const o = { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_API_URL: apiFake.url, RECONCILE_INTERVAL_MINUTES: "0" };
    const { invoiceId } = await paidInvoiceFor([hook(uniqueKey())], o);
    await runConfirmation(invoiceId, o);
    await flushAlerts({ ...o, ...sink.overrides });
    expect(await alertsAt(sink.key, "confirmation.unauthorized")).toHaveLength(1);
    await env.DB.prepare("DELETE FROM health_problems").run();
  });

  it("reconciliation.recovered and reconciliation.failed (three runs in a row)", async () => {
    const sink = alertSink();
    const id = uniqueKey().slice(0, 8).toUpperCase();
    const good = await fakeAccount({ items: [apiInvoice(id)] });
    const o = { CRYPTOCLOUD_API_KEY: API_KEY, CRYPTOCLOUD_PROJECT_ID: "1", FORWARD_URL: hook(uniqueKey()) };
    await call(api("/reconcile", { method: "POST" }), { ...o, CRYPTOCLOUD_API_URL: good.url });
    await flushAlerts({ ...o, CRYPTOCLOUD_API_URL: good.url, RECONCILE_INTERVAL_MINUTES: "0", ...sink.overrides });
    expect((await alertsAt(sink.key, "reconciliation.recovered"))[0]?.data).toMatchObject({ invoice_ids: [id] });

    const down = await fakeAccount({ items: [], fail_from: 1, fail_status: 502 });
    const broken = { ...o, CRYPTOCLOUD_API_URL: down.url };
    for (let run = 1; run <= 3; run++) {
      expect((await call(api("/reconcile", { method: "POST" }), broken)).status).toBe(502);
      await flushAlerts({ ...broken, RECONCILE_INTERVAL_MINUTES: "0", ...sink.overrides });
      expect(await alertsAt(sink.key, "reconciliation.failed")).toHaveLength(run === 3 ? 1 : 0);
    }
    expect((await alertsAt(sink.key, "reconciliation.failed"))[0]?.data.last_error).toContain("http_5xx");
    await env.DB.prepare("DELETE FROM jobs").run();
  });

  it("backlog.stale: one alert per cooldown however often the cron runs, then 'and N more'", async () => {
    const sink = alertSink();
    const { deliveryIds } = await paidInvoiceFor([hook(uniqueKey())]);
    const start = Date.now();
    await env.DB.prepare("UPDATE deliveries SET pending_since = ?2 WHERE id = ?1")
      .bind(deliveryIds[0], new Date(start - 2 * 3600_000).toISOString())
      .run();
    for (let minute = 0; minute < 10; minute++) await flushAlerts(sink.overrides, new Date(start + minute * 60_000));
    const first = await alertsAt(sink.key, "backlog.stale");
    expect(first).toHaveLength(1);
    expect(first[0]?.data).toMatchObject({ suppressed: 0, pending: expect.any(Number) });

    await flushAlerts(sink.overrides, new Date(start + 61 * 60_000));
    const both = await alertsAt(sink.key, "backlog.stale");
    expect(both).toHaveLength(2);
    expect(both[1]?.data).toMatchObject({ suppressed: 9 });
    expect(both[1]?.data.summary).toMatch(/waited \d+ minutes/);
    await env.DB.prepare("UPDATE deliveries SET state = 'delivered' WHERE id = ?").bind(deliveryIds[0]).run();
  });
});

describe("alert destinations", () => {
  it("sends Slack and Telegram their own shapes (format prefix for a Slack-compatible or self-hosted server)", async () => {
    const slack = uniqueKey();
    const telegram = uniqueKey();
    const o = { ALERT_URL: `slack:${hook(slack)}, telegram:${hook(telegram, "chat_id=-1001")}` };
    const res = await call(api("/alerts/test", { method: "POST" }), o);
    expect(res.status).toBe(200);
    const [s] = await received(slack);
    expect(JSON.parse(s?.body ?? "{}")).toEqual({ text: expect.stringContaining("Test alert") });
    expect(s?.headers["webhook-signature"]).toBeUndefined();
    const [t] = await received(telegram);
    expect(JSON.parse(t?.body ?? "{}")).toEqual({
      chat_id: "-1001",
      text: expect.stringContaining("Test alert"),
      disable_web_page_preview: true,
      link_preview_options: { is_disabled: true },
    });
  });

  it("POST /alerts/test answers each URL's HTTP status (chat URLs redacted), or 409 without ALERT_URL", async () => {
    const ok = alertSink();
    const failing = alertSink("status=500");
    const res = await call(api("/alerts/test", { method: "POST" }), { ALERT_URL: `${ok.url},slack:${failing.url}` });
    expect(await res.json()).toEqual({
      results: [
        { destination: expect.stringContaining("/hook/"), status: 200, error: null },
        { destination: expect.stringMatching(/^slack:http:\/\/127\.0\.0\.1:\d+\/…$/), status: 500, error: "http_500" },
      ],
    });
    expect(await alertsAt(ok.key, "test")).toHaveLength(1);
    const none = await call(api("/alerts/test", { method: "POST" }), { ALERT_URL: "" });
    expect(none.status).toBe(409);
    expect(await none.text()).toContain("ALERT_URL");
  });

  it("keeps trying a channel that is down for over a day, then counts it failed in /stats, and never alerts about itself", async () => {
    const sink = alertSink("status=500");
    const { deliveryIds } = await paidInvoiceFor([hook(uniqueKey(), "status=410")]);
    await runConsumer(deliveryIds);
    await runCron(new Date(), sink.overrides);
    const [alert] = await rows<{ id: string }>("SELECT id FROM alerts WHERE destination = ?", sink.url);
    const id = alert?.id ?? "";
    const retries: (number | undefined)[] = [];
    for (let i = 0; i <= ALERT_RETRY_DELAYS.length; i++) {
      await env.DB.prepare("UPDATE alerts SET next_attempt_at = ?2 WHERE id = ?1").bind(id, new Date(0).toISOString()).run();
      const r = await runQueue([queueMessage("alert", id)], sink.overrides);
      retries.push(r.retryMessages[0]?.delaySeconds);
    }
    expect(retries).toEqual([...ALERT_RETRY_DELAYS, undefined]);
    expect(ALERT_RETRY_DELAYS.reduce((a, b) => a + b, 0)).toBeGreaterThan(86_400);
    expect(Math.max(...ALERT_RETRY_DELAYS)).toBeLessThanOrEqual(43_200);
    expect(await received(sink.key)).toHaveLength(ALERT_RETRY_DELAYS.length + 1);
    expect(await rows("SELECT state, attempt_count, last_error FROM alerts WHERE id = ?", id)).toEqual([
      { state: "failed", attempt_count: ALERT_RETRY_DELAYS.length + 1, last_error: "http_5xx" },
    ]);
    const stats = (await (await call(api("/stats"), sink.overrides)).json()) as { alerts: Record<string, unknown> };
    expect(stats.alerts).toMatchObject({ failed: expect.any(Number), last_error: expect.stringContaining("http_5xx") });
    expect(await rows("SELECT * FROM alert_signals")).toEqual([]);
    await runCron(new Date(), sink.overrides);
    expect(await rows("SELECT count(*) AS n FROM alerts WHERE destination = ?", sink.url)).toEqual([{ n: 1 }]);
  });

  it("while a channel is down, parks the younger alerts; when it comes back, sends the first one and one summary of the rest", async () => {
    const sink = alertSink("fail_first=2");
    for (let i = 0; i < 3; i++) {
      const { deliveryIds } = await paidInvoiceFor([hook(uniqueKey(), "status=410")]);
      await runConsumer(deliveryIds);
    }
    await runCron(new Date(), sink.overrides);
    const alerts = await rows<{ id: string }>("SELECT id FROM alerts WHERE destination = ? ORDER BY created_at, id", sink.url);
    expect(alerts).toHaveLength(3);
    const [probe, ...younger] = alerts.map((a) => a.id);
    const attempt = async (alertId: string) => {
      await env.DB.prepare("UPDATE alerts SET next_attempt_at = ?2 WHERE id = ?1").bind(alertId, new Date(0).toISOString()).run();
      return runQueue([queueMessage("alert", alertId)], sink.overrides);
    };
    await attempt(probe ?? "");
    for (const y of younger) expect((await attempt(y)).explicitAcks).toHaveLength(1); // parked: not sent, not retried
    expect(await received(sink.key)).toHaveLength(1);
    await attempt(probe ?? ""); // still down
    await attempt(probe ?? ""); // back: the first alert goes through, then the summary is queued
    const summary = await rows<{ id: string; data_json: string }>(
      "SELECT id, data_json FROM alerts WHERE destination = ? AND kind = 'alerts.missed'",
      sink.url,
    );
    expect(summary).toHaveLength(1);
    await attempt(summary[0]?.id ?? "");

    const sent = await received(sink.key);
    expect(sent).toHaveLength(4); // three tries of the first alert, the summary: nothing else
    const [missed] = await alertsAt(sink.key, "alerts.missed");
    expect(missed?.data).toMatchObject({ missed: 2, kinds: { "destination.gone": 2 } });
    expect(missed?.data.summary).toContain("2 alert(s)");
    expect(await alertsAt(sink.key, "destination.gone")).toHaveLength(3);
    expect(await rows("SELECT state FROM alerts WHERE destination = ? ORDER BY created_at, id", sink.url)).toEqual([
      { state: "sent" },
      { state: "summarized" },
      { state: "summarized" },
      { state: "sent" },
    ]);
  });

  it("without ALERT_URL, logs each signal and keeps no backlog of them", async () => {
    const { deliveryIds } = await paidInvoiceFor([hook(uniqueKey(), "status=410")]);
    await runConsumer(deliveryIds);
    expect((await rows("SELECT count(*) AS n FROM alert_signals"))[0]).toEqual({ n: 1 });
    await runCron(new Date(), { ALERT_URL: "" });
    expect(await rows("SELECT * FROM alert_signals")).toEqual([]);
    expect(logs.some((l) => l.includes('"alert.raised"') && l.includes("destination.gone"))).toBe(true);
  });
});
