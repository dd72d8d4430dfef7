import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { configDestinationId } from "../../../src/domain/destination-id";
import { deliveryRow, hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { invoiceInfo } from "../../support/postbacks";
import { api, call, received, rows, uniqueKey } from "../../support/worker";

type Json = Record<string, unknown> & { destination: Record<string, unknown> & { id: string } };
const post = (path: string, body?: unknown, method = "POST") =>
  api(path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
async function create(body: Record<string, unknown>) {
  const res = await call(post("/destinations", body));
  return { status: res.status, json: (await res.json()) as Json & { secret: string } };
}
const auditOf = (target: string) =>
  rows<{ action: string; summary_json: string }>("SELECT action, summary_json FROM audit_log WHERE target = ? ORDER BY at", target);

// API destinations get every event of this file's invoices: each test deletes its own.
afterEach(async () => {
  await env.DB.prepare(
    "UPDATE destinations SET removed_at = '2000-01-01T00:00:00.000Z' WHERE managed_by = 'api' AND removed_at IS NULL",
  ).run();
});

describe("POST/GET/PATCH/DELETE /destinations", () => {
  it("creates an API destination: 201 with a whsec_ secret shown once, listed, read, and recorded", async () => {
    const url = hook(uniqueKey());
    const { status, json } = await create({ url, description: "ERP", filter: { statuses: ["paid"], currencies: ["btc"] } });
    expect(status).toBe(201);
    expect(json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(json.destination).toMatchObject({
      id: expect.stringMatching(/^dst_[0-9a-f]{24}$/),
      url,
      description: "ERP",
      managed_by: "api",
      state: "active",
      filter: { statuses: ["paid"], test_mode: "any", currencies: ["BTC"], projects: null },
      circuit: { state: "closed", opened_at: null, next_probe_at: null, consecutive_failures: 0 },
      stats: {
        pending: 0,
        waiting: 0,
        delivered: 0,
        failed: 0,
        exhausted: 0,
        canceled: 0,
        last_success_at: null,
        last_failure_at: null,
        last_error: null,
      },
    });
    const id = json.destination.id;
    const list = (await (await call(api("/destinations"))).json()) as { destinations: { id: string }[] };
    expect(list.destinations.map((d) => d.id)).toContain(id);
    expect((await call(api(`/destinations/${id}`))).status).toBe(200);
    expect((await call(api("/destinations/dst_unknown"))).status).toBe(404);
    expect((await (await call(api(`/destinations/${id}/secret`))).json()) as { secret: string }).toMatchObject({ secret: json.secret });
    expect((await auditOf(id)).map((a) => a.action)).toEqual(["destination.create"]);
  });

  it.each([
    [{ url: "ftp://x.example/h" }, "url"],
    [{ url: "http://10.0.0.1/h" }, "url"],
    [{ url: "https://x.example/h", filter: { status: ["paid"] } }, "filter.status"],
    [{ url: "https://x.example/h", filter: { test_mode: "maybe" } }, "filter.test_mode"],
    [{ url: "https://x.example/h", secret: "whsec_x" }, "secret"],
  ])("refuses %j with 400 naming %s, and records nothing", async (body, field) => {
    const res = await call(post("/destinations", body), { FORWARD_ALLOW_PRIVATE: "false" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain(`"${field}"`);
    expect(await rows("SELECT * FROM audit_log WHERE action = 'destination.create' AND summary_json LIKE '%x.example%'")).toEqual([]);
  });

  it("refuses a 21st API destination and a second destination with the same URL: 409 naming url", async () => {
    const url = hook(uniqueKey());
    expect((await create({ url })).status).toBe(201);
    expect((await create({ url })).status).toBe(409);
    for (let i = 1; i < 20; i++) expect((await create({ url: hook(uniqueKey()) })).status).toBe(201);
    const res = await create({ url: hook(uniqueKey()) });
    expect(res.status).toBe(409);
    expect((res.json as unknown as { detail: string }).detail).toContain('"url"');
  });

  it("edits an API destination and refuses to edit, delete or show the secret of a config one (409)", async () => {
    const { json } = await create({ url: hook(uniqueKey()) });
    const id = json.destination.id;
    const patched = await call(post(`/destinations/${id}`, { description: "new", filter: { test_mode: "live" } }, "PATCH"));
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as Json).destination).toMatchObject({ description: "new", filter: { test_mode: "live" } });
    expect((await auditOf(id)).map((a) => a.action)).toEqual(["destination.create", "destination.update"]);
    const configUrl = hook(uniqueKey());
    const configId = configDestinationId(configUrl);
    expect((await call(api("/destinations"), { FORWARD_URL: configUrl })).status).toBe(200);
    for (const req of [
      post(`/destinations/${configId}`, { description: "x" }, "PATCH"),
      api(`/destinations/${configId}`, { method: "DELETE" }),
    ]) {
      const res = await call(req, { FORWARD_URL: configUrl });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { detail: string }).detail).toContain('"managed_by"');
    }
    expect((await call(api(`/destinations/${configId}/secret`), { FORWARD_URL: configUrl })).status).toBe(409);
    expect(await auditOf(configId)).toEqual([]);
  });

  it("lists config destinations with managed_by config and an id that survives redeploys", async () => {
    const url = hook(uniqueKey());
    const list = (await (await call(api("/destinations"), { FORWARD_URL: url })).json()) as { destinations: Record<string, unknown>[] };
    expect(list.destinations).toContainEqual(
      expect.objectContaining({ id: configDestinationId(url), url, managed_by: "config", state: "active" }),
    );
  });

  it("deletes an API destination: its waiting deliveries become canceled (counted), never dropped", async () => {
    const key = uniqueKey();
    const { json } = await create({ url: hook(key) });
    const id = json.destination.id;
    const { deliveryIds } = await paidInvoiceFor([]);
    expect(deliveryIds).toHaveLength(1);
    const res = await call(api(`/destinations/${id}`, { method: "DELETE" }));
    expect(await res.json()).toEqual({ deleted: id, canceled: 1 });
    expect(await deliveryRow(deliveryIds[0] ?? "")).toMatchObject({ state: "canceled", last_error: "destination_deleted" });
    expect(JSON.parse((await auditOf(id)).at(-1)?.summary_json ?? "{}")).toEqual({ count: 1 });
    await runConsumer(deliveryIds);
    expect(await received(key)).toEqual([]);
    expect((await call(api(`/destinations/${id}`))).status).toBe(404);
  });
});

describe("filters, applied when the event is created", () => {
  it.each([
    [{ statuses: ["overpaid"] }, {}, 0],
    [{ statuses: ["paid"] }, {}, 1],
    [{ currencies: ["usdt_trc20"] }, { currency: "USDT_TRC20" }, 1],
    [{ currencies: ["ETH", "BTC"] }, {}, 1],
    [{ currencies: ["ETH"] }, {}, 0],
    [{ test_mode: "live" }, { invoice_info: (id: string) => invoiceInfo(id, { test_mode: true }) }, 0],
    [{ test_mode: "test" }, { invoice_info: (id: string) => invoiceInfo(id, { test_mode: true }) }, 1],
    [{ test_mode: "test" }, {}, 0],
    [{ projects: ["default"] }, {}, 1],
    [{ projects: ["other-shop"] }, {}, 0],
  ])("filter %j gets %#: deliveries as expected", async (filter, extra, expected) => {
    await create({ url: hook(uniqueKey()), filter });
    const { deliveryIds } = await paidInvoiceFor([], {}, extra);
    expect(deliveryIds).toHaveLength(expected);
  });
});

describe("pause, resume, rotate, test", () => {
  it("pause holds new and waiting deliveries (still created); resume releases each once", async () => {
    const key = uniqueKey();
    const { json } = await create({ url: hook(key) });
    const id = json.destination.id;
    expect((await call(post(`/destinations/${id}/pause`))).status).toBe(200);
    const { deliveryIds } = await paidInvoiceFor([]);
    expect((await runConsumer(deliveryIds)).explicitAcks).toHaveLength(1);
    expect(await received(key)).toEqual([]);
    const paused = ((await (await call(api(`/destinations/${id}`))).json()) as Json).destination;
    expect(paused).toMatchObject({ state: "paused", stats: expect.objectContaining({ waiting: 1, pending: 0 }) });
    expect((await call(post(`/destinations/${id}/resume`))).status).toBe(200);
    await runConsumer([...deliveryIds, ...deliveryIds]);
    expect(await received(key)).toHaveLength(1);
    expect((await auditOf(id)).map((a) => a.action)).toEqual(["destination.create", "destination.pause", "destination.resume"]);
  });

  it("signs with both secrets during a rotation, the new one first, then only with the new one", async () => {
    const key = uniqueKey();
    const { json } = await create({ url: hook(key) });
    const id = json.destination.id;
    const rotated = await call(post(`/destinations/${id}/rotate-secret`, { expires_in_seconds: 2 }));
    expect(rotated.status).toBe(200);
    const { secret, previous_expires_at } = (await rotated.json()) as { secret: string; previous_expires_at: string };
    expect(secret).not.toBe(json.secret);
    expect(Date.parse(previous_expires_at) - Date.now()).toBeLessThanOrEqual(2000);
    const during = await paidInvoiceFor([]);
    await runConsumer(during.deliveryIds);
    const [first] = await received(key);
    expect(first?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const s of [secret, json.secret]) expect(() => new Webhook(s).verify(first?.body ?? "", first?.headers ?? {})).not.toThrow();
    await new Promise((r) => setTimeout(r, 2100));
    const after = await paidInvoiceFor([]);
    await runConsumer(after.deliveryIds);
    const [, second] = await received(key);
    expect(() => new Webhook(secret).verify(second?.body ?? "", second?.headers ?? {})).not.toThrow();
    expect(() => new Webhook(json.secret).verify(second?.body ?? "", second?.headers ?? {})).toThrow();
    expect((await call(post(`/destinations/${id}/rotate-secret`, { expires_in_seconds: 8 * 86400 }))).status).toBe(400);
  });

  it("sends a signed destination.test event now and answers the attempt", async () => {
    const key = uniqueKey();
    const { json } = await create({ url: hook(key, "status=418") });
    const res = await call(post(`/destinations/${json.destination.id}/test`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ attempt: { status_code: 418, latency_ms: expect.any(Number), error: "http_4xx" } });
    const [req] = await received(key);
    expect((new Webhook(json.secret).verify(req?.body ?? "", req?.headers ?? {}) as { type: string }).type).toBe("destination.test");
  });

  it("checks a stored URL again at every attempt (the SSRF guard): a private address is not sent to", async () => {
    const key = uniqueKey();
    await create({ url: hook(key) }); // loopback: allowed while FORWARD_ALLOW_PRIVATE=true
    const { deliveryIds } = await paidInvoiceFor([]);
    await runConsumer(deliveryIds, { FORWARD_ALLOW_PRIVATE: "false" });
    expect(await received(key)).toEqual([]);
    expect(await rows("SELECT error_class, latency_ms FROM delivery_attempts WHERE delivery_id = ?", deliveryIds[0])).toEqual([
      { error_class: "refused_url", latency_ms: 0 },
    ]);
  });

  it("keeps no signing secret in D1: a dump of every table holds none", async () => {
    const { json } = await create({ url: hook(uniqueKey()) });
    const rotated = (await (await call(post(`/destinations/${json.destination.id}/rotate-secret`))).json()) as { secret: string };
    await paidInvoiceFor([]);
    const tables = await rows<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    );
    let dump = "";
    for (const { name } of tables) dump += JSON.stringify(await rows(`SELECT * FROM "${name}"`));
    expect(dump.length).toBeGreaterThan(1000);
    for (const s of [json.secret, rotated.secret, env.FORWARD_SECRET, env.DESTINATION_SECRETS_KEY]) {
      expect(dump).not.toContain(s);
      expect(dump).not.toContain(s.replace(/^whsec_/, ""));
    }
  });
});

describe("bulk redeliver to destinations that exist now", () => {
  it("cancels (and counts) exhausted deliveries whose destination was removed from FORWARD_URL, sending nothing to it", async () => {
    const since = new Date().toISOString();
    const key = uniqueKey();
    const old = hook(key, "status=400");
    const o = { FORWARD_RETRY_DELAYS: "0" };
    const { deliveryIds } = await paidInvoiceFor([old], o);
    await runConsumer(deliveryIds, o);
    await runConsumer(deliveryIds, o);
    expect(await deliveryRow(deliveryIds[0] ?? "")).toMatchObject({ state: "exhausted" });
    const res = await call(api(`/deliveries/redeliver?state=exhausted&since=${encodeURIComponent(since)}`, { method: "POST" }), {
      FORWARD_URL: hook(uniqueKey()),
    });
    expect(await res.json()).toMatchObject({ count: 0, canceled: 1 });
    expect(await deliveryRow(deliveryIds[0] ?? "")).toMatchObject({ state: "canceled" });
    await runConsumer(deliveryIds);
    expect(await received(key)).toHaveLength(2);
  });
});
