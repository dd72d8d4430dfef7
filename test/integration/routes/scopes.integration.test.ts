// What each bearer token may do: API_TOKEN everything, API_READ_TOKEN only read (403 on any change,
// with nothing changed), and how refused sign-ins are counted and shed per client IP.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app";
import { hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { api, call as callWith, type EnvOverrides, READ_TOKEN, READ_TOKEN_ENV, received, rows, uniqueKey } from "../../support/worker";

const READ = READ_TOKEN;
const logs = captureLogs();
/** Every call here has the read token configured. */
const call = (req: Request, o: EnvOverrides = {}) => callWith(req, { ...READ_TOKEN_ENV, ...o });
const from = (ip: string, req: Request) => {
  const headers = new Headers(req.headers);
  headers.set("cf-connecting-ip", ip);
  return new Request(req, { headers });
};
const count = async (table: string) => (await rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0;

/** Every route of the app that changes something, as a callable path (params filled in). */
function mutatingRoutes(invoiceId: string): { method: string; path: string }[] {
  const seen = new Set<string>();
  return buildApp()
    .routes.filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method))
    .map((r) => ({
      method: r.method,
      path: r.path
        .replace(":invoice_id", invoiceId)
        .replace(/:\w+/g, "x_unknown")
        .replace(/(.)\/$/, "$1"),
    }))
    .filter((r) => !r.path.startsWith("/postback") && !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

describe("token scopes", () => {
  it("lets a read token read every list, the audit log and its own session", async () => {
    for (const path of ["/invoices", "/deliveries", "/stats", "/audit"]) expect((await call(api(path, {}, READ))).status).toBe(200);
    const res = await call(api("/session", {}, READ));
    expect(await res.json()).toEqual({ actor: { kind: "token", id: "api_read_token" }, scope: "read" });
  });

  it("accepts any of several read tokens", async () => {
    const o = { API_READ_TOKEN: "first-read-token-000001, second-read-token-00002" };
    expect((await call(api("/invoices", {}, "second-read-token-00002"), o)).status).toBe(200);
    expect((await call(api("/invoices", {}, READ), o)).status).toBe(401);
  });

  it("refuses a read token on every route that changes something, with 403 and nothing changed", async () => {
    const url = hook(uniqueKey());
    const alertKey = uniqueKey();
    const o = {
      FORWARD_URL: url,
      ALERT_URL: hook(alertKey),
      CRYPTOCLOUD_API_KEY: "api-key",
      CRYPTOCLOUD_API_URL: `${env.LOCAL_SERVER}/api/${uniqueKey()}`,
    };
    const { invoiceId, deliveryIds } = await paidInvoiceFor([url]);
    await runConsumer(deliveryIds);
    const routes = mutatingRoutes(invoiceId);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        `POST /invoices/${invoiceId}/redeliver`,
        "POST /deliveries/redeliver",
        "POST /reconcile",
        "POST /alerts/test",
      ]),
    );
    const before = await Promise.all(["deliveries", "audit_log", "jobs"].map(count));
    for (const { method, path } of routes) {
      const res = await call(
        api(`${path}${path.includes("redeliver") && !path.includes("invoices") ? "?since=2026-01-01T00:00:00Z" : ""}`, { method }, READ),
        o,
      );
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toMatchObject({ code: "insufficient_scope", status: 403 });
    }
    expect(await Promise.all(["deliveries", "audit_log", "jobs"].map(count))).toEqual(before);
    expect(await received(alertKey)).toEqual([]);
    expect((await call(api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), o)).status).toBe(202); // the operator token may
  });

  it("refuses a wrong token with 401 and logs why, never the token", async () => {
    const res = await call(api("/invoices", {}, "wrong-token-guess-123456"));
    expect(res.status).toBe(401);
    expect(JSON.parse(logs.find((l) => l.includes("auth.refused")) ?? "{}")).toMatchObject({ via: "bearer", reason: "wrong_token" });
    expect(logs.join()).not.toContain("wrong-token-guess");
  });

  it("sheds an IP after 20 refused sign-ins (429), even when its next guess is right", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) statuses.push((await call(from(ip, api("/stats", {}, `guess-${i}-0000000000`)))).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    const right = await call(from(ip, api("/stats")));
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toBe("10");
    expect((await call(from("192.0.2.99", api("/stats")))).status).toBe(200); // another IP is not slowed
  });

  it("never counts valid requests: an operator's busy minute is never slowed", async () => {
    const ip = "192.0.2.123";
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++)
      statuses.push((await call(from(ip, api(i % 2 ? "/audit" : "/session", {}, i % 3 ? READ : env.API_TOKEN)))).status);
    expect(statuses).toEqual(Array(40).fill(200));
  });

  it("works with read tokens alone (no API_TOKEN), and answers 503 when no credential is configured", async () => {
    expect((await call(api("/invoices", {}, READ), { API_TOKEN: "" })).status).toBe(200);
    expect((await call(api("/invoices"), { API_TOKEN: "", API_READ_TOKEN: "" })).status).toBe(503);
  });
});
