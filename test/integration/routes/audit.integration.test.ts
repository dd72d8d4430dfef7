import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { API_TOKEN_ACTOR } from "../../../src/domain/audit";
import { auditStatement } from "../../../src/store/audit";
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

describe("POST /alerts/test in the audit log", () => {
  it("records one alert.test entry with how many destinations answered", async () => {
    const [ok, down] = [uniqueKey(), uniqueKey()];
    const ray = `ray-${uniqueKey()}`;
    const o = { ALERT_URL: `${hook(ok)}, ${hook(down, "status=500")}` };
    expect((await call(withRay("/alerts/test", ray), o)).status).toBe(200);
    const entries = await entriesFor(ray);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_kind: "token", actor_id: "api_token", action: "alert.test", target: null });
    expect(JSON.parse(entries[0]?.summary_json ?? "{}")).toEqual({ destinations: 2, delivered: 1 });
  });

  it("writes nothing when alerts are not configured (409)", async () => {
    const ray = `ray-${uniqueKey()}`;
    expect((await call(withRay("/alerts/test", ray), { ALERT_URL: "" })).status).toBe(409);
    expect(await entriesFor(ray)).toEqual([]);
  });
});

describe("GET /audit", () => {
  const action = `test.page_${uniqueKey()}`;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 12, minute));
  const seed = async () => {
    const entry = (i: number) => ({ actor: API_TOKEN_ACTOR, action, target: `T${i}`, requestId: `req-${i}`, summary: { n: i } });
    await env.DB.batch([0, 1, 2, 3, 4].map((i) => auditStatement(env.DB, entry(i), at(i))));
  };
  const page = async (query: string) => {
    const res = await call(api(`/audit?action=${action}&${query}`));
    expect(res.status).toBe(200);
    return (await res.json()) as {
      entries: { target: string; actor: unknown; summary: unknown; at: string }[];
      next_cursor: string | null;
    };
  };

  it("pages the entries newest first, by cursor, never skipping or repeating one", async () => {
    await seed();
    const first = await page("limit=2");
    expect(first.entries.map((e) => e.target)).toEqual(["T4", "T3"]);
    expect(first.entries[0]).toEqual({
      id: expect.stringMatching(/^aud_/),
      at: at(4).toISOString(),
      actor: { kind: "token", id: "api_token" },
      action,
      target: "T4",
      request_id: "req-4",
      summary: { n: 4 },
    });
    const second = await page(`limit=2&cursor=${first.next_cursor}`);
    const third = await page(`limit=2&cursor=${second.next_cursor}`);
    expect([...second.entries, ...third.entries].map((e) => e.target)).toEqual(["T2", "T1", "T0"]);
    expect(third.next_cursor).toBeNull();
  });

  it("filters by since, and refuses a malformed action or an unknown parameter", async () => {
    const since = await page(`since=${encodeURIComponent(at(3).toISOString())}`);
    expect(since.entries.map((e) => e.target)).toEqual(["T4", "T3"]);
    expect((await call(api("/audit?action=DROP TABLE"))).status).toBe(400);
    expect((await call(api("/audit?actor=me"))).status).toBe(400);
  });

  it("writes nothing itself, nor does any other read", async () => {
    const before = await rows<{ n: number }>("SELECT count(*) AS n FROM audit_log");
    for (const path of ["/audit", "/session", "/stats", "/invoices", "/deliveries"]) expect((await call(api(path))).status).toBe(200);
    expect(await rows<{ n: number }>("SELECT count(*) AS n FROM audit_log")).toEqual(before);
  });
});
