import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { sendDailyDigest } from "../../../src/alerts/digest";
import { queueMessage } from "../../../src/domain/message";
import { hook, runQueue } from "../../support/delivery";
import { seedDelivery, seedInvoices } from "../../support/invoice-rows";
import { api, call, envWith, received, rows, runCron, uniqueKey } from "../../support/worker";

const wh = new Webhook(env.FORWARD_SECRET);
type Generic = { type: string; data: Record<string, unknown> };

/** Two generic alert receivers, and the variables that point the digest at them. */
function sinks(extra: Record<string, string> = {}) {
  const keys = [uniqueKey(), uniqueKey()];
  return { keys, overrides: { ALERT_URL: keys.map((k) => hook(k)).join(","), DIGEST_HOUR_UTC: "8", ...extra } };
}

const digestRows = (day: string) =>
  rows<{ id: string; destination: string }>("SELECT id, destination FROM alerts WHERE kind = 'report.daily' AND subject = ?1", day);

async function deliver(ids: string[], overrides: Record<string, unknown>) {
  await env.DB.prepare("UPDATE alerts SET next_attempt_at = ?1 WHERE kind = 'report.daily'").bind(new Date(0).toISOString()).run();
  await runQueue(
    ids.map((id) => queueMessage("alert", id)),
    overrides,
  );
}

const digestsAt = async (key: string): Promise<Generic[]> =>
  (await received(key)).map((r) => wh.verify(r.body, r.headers) as Generic).filter((a) => a.type === "report.daily");

describe("the daily digest", () => {
  it("sends yesterday's report once a day however many cron runs race for it", async () => {
    const s = sinks();
    const [inv] = await seedInvoices([
      { first_received_at: "2037-06-01T10:00:00.000Z", currency: "ETH", amount_crypto: "0.000000000000000001" },
      { first_received_at: "2037-06-01T11:00:00.000Z", currency: "ETH", amount_crypto: "1.999999999999999999" },
      { first_received_at: "2037-06-02T01:00:00.000Z", currency: "ETH", amount_crypto: "5" },
    ]);
    await seedDelivery(inv ?? "", "delivered");
    const at = new Date("2037-06-02T08:00:30.000Z");
    const runs = await Promise.all(Array.from({ length: 6 }, () => sendDailyDigest(envWith(s.overrides), at)));
    expect(runs.filter((r) => r !== null)).toEqual([{ day: "2037-06-01", alerts: 2 }]);
    await Promise.all([runCron(at, s.overrides), runCron(new Date("2037-06-02T23:59:00.000Z"), s.overrides)]);
    const alerts = await digestRows("2037-06-01");
    expect(alerts.map((a) => a.destination).sort()).toEqual(s.keys.map((k) => hook(k)).sort());
    expect(await rows("SELECT day, alerts FROM digests WHERE day = '2037-06-01'")).toEqual([{ day: "2037-06-01", alerts: 2 }]);

    await deliver(
      alerts.map((a) => a.id),
      s.overrides,
    );
    for (const key of s.keys) {
      const got = await digestsAt(key);
      expect(got).toHaveLength(1);
      expect(got[0]?.data).toMatchObject({ date: "2037-06-01", invoices: 2, by_currency: { ETH: "2" }, delivered: 1, so_far: false });
      expect(got[0]?.data.summary).toContain("Daily report for June 1, 2037 (UTC). Invoices: 2.");
    }
  });

  it("is written in Russian with ALERT_LANGUAGE=ru, in the chat formats too", async () => {
    const key = uniqueKey();
    const overrides = { ALERT_URL: `slack:${hook(key)}`, DIGEST_HOUR_UTC: "0", ALERT_LANGUAGE: "ru" };
    await seedInvoices([{ first_received_at: "2037-07-09T12:00:00.000Z", currency: "BTC", amount_crypto: "0.5" }]);
    expect(await sendDailyDigest(envWith(overrides), new Date("2037-07-10T00:00:00.000Z"))).toEqual({ day: "2037-07-09", alerts: 1 });
    await deliver(
      (await digestRows("2037-07-09")).map((a) => a.id),
      overrides,
    );
    const [message] = await received(key);
    const text = (JSON.parse(message?.body ?? "{}") as { text: string }).text;
    expect(text).toContain("Отчёт за 9 июля 2037 г. (UTC). Счетов: 1.");
    expect(text).toContain("Получено: 0,5 BTC.");
  });

  it("waits for DIGEST_HOUR_UTC, and sends nothing when it is unset or there is no ALERT_URL", async () => {
    const s = sinks();
    expect(await sendDailyDigest(envWith(s.overrides), new Date("2037-08-02T07:59:59.000Z"))).toBeNull();
    expect(await sendDailyDigest(envWith({ ...s.overrides, DIGEST_HOUR_UTC: "" }), new Date("2037-08-02T12:00:00.000Z"))).toBeNull();
    expect(await sendDailyDigest(envWith({ ...s.overrides, ALERT_URL: "" }), new Date("2037-08-02T12:00:00.000Z"))).toBeNull();
    expect(await digestRows("2037-08-01")).toEqual([]);
    expect(await rows("SELECT * FROM digests WHERE day = '2037-08-01'")).toEqual([]);
  });
});

describe("POST /alerts/digest", () => {
  it("queues today's digest so far to every ALERT_URL, with one audit entry", async () => {
    const s = sinks();
    const today = new Date().toISOString().slice(0, 10);
    const ray = `ray-${uniqueKey()}`;
    const res = await call(api("/alerts/digest", { method: "POST", headers: { "cf-ray": ray } }), s.overrides);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { date: string; alerts: string[] };
    expect(body.date).toBe(today);
    expect(body.alerts).toHaveLength(2);
    const audit = await rows<{ action: string; target: string; summary_json: string }>(
      "SELECT * FROM audit_log WHERE request_id = ?1",
      ray,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "alert.digest", target: today });
    await deliver(body.alerts, s.overrides);
    const [got] = await digestsAt(s.keys[0] ?? "");
    expect(got?.data).toMatchObject({ date: today, so_far: true });
    expect(got?.data.summary).toContain("so far");
    expect(await rows("SELECT * FROM digests WHERE day = ?1", today)).toEqual([]); // it does not use up the cron's day
  });

  it("answers 409 without ALERT_URL and records nothing", async () => {
    const ray = `ray-${uniqueKey()}`;
    const res = await call(api("/alerts/digest", { method: "POST", headers: { "cf-ray": ray } }));
    expect(res.status).toBe(409);
    expect(await rows("SELECT * FROM audit_log WHERE request_id = ?1", ray)).toEqual([]);
  });
});
