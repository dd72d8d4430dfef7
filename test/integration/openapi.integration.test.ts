import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { configDestinationId } from "../../src/domain/destination-id";
import { openapi } from "../../src/openapi";
import { hook, paidInvoiceFor, runConsumer } from "../support/delivery";
import { validate } from "../support/schema";
import { api, call, READ_TOKEN, READ_TOKEN_ENV, uniqueKey } from "../support/worker";

/** The app's routes as "METHOD /path/{param}", leaving out middleware and the catch-all 405. */
function appRoutes(): string[] {
  const routes = buildApp().routes.filter((r) => r.method !== "ALL");
  return [...new Set(routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1")}`))].sort();
}

/** Documented operations; /openapi.json itself is a static asset, not a Worker route. */
function documented(): string[] {
  return Object.entries(openapi.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .filter((op) => op !== "GET /openapi.json")
    .sort();
}

/** Checks a live response against the document's schema for that operation and status. */
async function conforms(res: Response, path: keyof typeof openapi.paths, method: string): Promise<string[]> {
  const op = (openapi.paths[path] as Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>)[
    method
  ];
  const documentedResponse = op?.responses[String(res.status)];
  if (!documentedResponse) return [`${method} ${path}: status ${res.status} is not documented`];
  const [type, media] = Object.entries(documentedResponse.content ?? {})[0] ?? [];
  if (!type || !media) return [];
  expect(res.headers.get("content-type")).toContain(type);
  return validate(await res.json(), media.schema as Record<string, unknown>, openapi);
}

describe("the OpenAPI document", () => {
  it("documents every route the app serves, and nothing it does not", () => {
    expect(documented()).toEqual(appRoutes());
  });

  it("describes live responses exactly: every field typed, none left out", async () => {
    const receiver = hook(uniqueKey());
    const o = { FORWARD_URL: receiver, CRYPTOCLOUD_API_KEY: "", ...READ_TOKEN_ENV };
    const { invoiceId, deliveryIds } = await paidInvoiceFor([receiver]);
    await runConsumer(deliveryIds);
    const id = deliveryIds[0] ?? "";
    const cases: [Request, keyof typeof openapi.paths, string][] = [
      [api("/invoices?limit=2"), "/invoices", "get"],
      [api(`/invoices/${invoiceId}`), "/invoices/{invoice_id}", "get"],
      [api("/invoices/NOPE0000"), "/invoices/{invoice_id}", "get"],
      [api(`/invoices/${invoiceId}/postbacks`), "/invoices/{invoice_id}/postbacks", "get"],
      [api(`/invoices/${invoiceId}/deliveries`), "/invoices/{invoice_id}/deliveries", "get"],
      [api(`/deliveries/${id}`), "/deliveries/{delivery_id}", "get"],
      [api("/deliveries?state=delivered"), "/deliveries", "get"],
      [api("/deliveries?stauts=x"), "/deliveries", "get"],
      [api("/stats"), "/stats", "get"],
      [new Request("https://worker.test/health"), "/health", "get"],
      [api(`/invoices/${invoiceId}/redeliver`, { method: "POST" }), "/invoices/{invoice_id}/redeliver", "post"],
      [api("/deliveries/redeliver?since=2026-01-01T00:00:00Z", { method: "POST" }), "/deliveries/redeliver", "post"],
      [api("/reconcile", { method: "POST" }), "/reconcile", "post"],
      [api("/alerts/test", { method: "POST" }), "/alerts/test", "post"],
      [api("/alerts/digest", { method: "POST" }), "/alerts/digest", "post"],
      [api("/reports/daily?from=2026-01-01&to=2026-01-03"), "/reports/daily", "get"],
      [api("/reports/daily?from=x"), "/reports/daily", "get"],
      [api("/invoices", {}, "wrong-token"), "/invoices", "get"],
      [api("/audit?limit=3"), "/audit", "get"],
      [api("/session"), "/session", "get"],
      [api("/deliveries/redeliver?since=2026-01-01T00:00:00Z", { method: "POST" }, READ_TOKEN), "/deliveries/redeliver", "post"],
      [api("/destinations"), "/destinations", "get"],
      [api(`/destinations/${configDestinationId(receiver)}`), "/destinations/{id}", "get"],
      [api(`/destinations/${configDestinationId(receiver)}/pause`, { method: "POST" }), "/destinations/{id}/pause", "post"],
      [api(`/destinations/${configDestinationId(receiver)}/resume`, { method: "POST" }), "/destinations/{id}/resume", "post"],
      [api(`/destinations/${configDestinationId(receiver)}/test`, { method: "POST" }), "/destinations/{id}/test", "post"],
      [api(`/destinations/${configDestinationId(receiver)}`, { method: "DELETE" }), "/destinations/{id}", "delete"],
    ];
    for (const [req, path, method] of cases) {
      expect(await conforms(await call(req, o), path, method), `${method} ${path}`).toEqual([]);
    }
    expect(await conforms(await call(api("/stats"), { CRYPTOCLOUD_API_KEY: "k" }), "/stats", "get")).toEqual([]);
    const digest = await call(api("/alerts/digest", { method: "POST" }), { ALERT_URL: hook(uniqueKey()) });
    expect(await conforms(digest, "/alerts/digest", "post")).toEqual([]);
    const created = await call(api("/destinations", { method: "POST", body: JSON.stringify({ url: hook(uniqueKey()) }) }), o);
    const { destination } = (await created.clone().json()) as { destination: { id: string } };
    const dst = `/destinations/${destination.id}`;
    const more: [Request, keyof typeof openapi.paths, string][] = [
      [api(dst, { method: "PATCH", body: JSON.stringify({ description: "x" }) }), "/destinations/{id}", "patch"],
      [api(`${dst}/rotate-secret`, { method: "POST" }), "/destinations/{id}/rotate-secret", "post"],
      [api(`${dst}/secret`), "/destinations/{id}/secret", "get"],
      [api(dst, { method: "DELETE" }), "/destinations/{id}", "delete"],
      [api("/destinations", { method: "POST", body: JSON.stringify({ url: "ftp://x" }) }), "/destinations", "post"],
    ];
    expect(await conforms(created, "/destinations", "post")).toEqual([]);
    for (const [req, path, method] of more) expect(await conforms(await call(req, o), path, method), `${method} ${path}`).toEqual([]);
  });
  it("has a checker that can fail: an undocumented field, a wrong type, a missing field", async () => {
    const res = await call(api("/invoices?limit=1"));
    const body = (await res.json()) as { invoices: Record<string, unknown>[] };
    const [first] = body.invoices;
    expect(first).toBeDefined();
    const { currency: _gone, ...rest } = first ?? {};
    const broken = { ...body, invoices: [{ ...rest, extra: 1, amount_crypto: 1.5 }] };
    expect(validate(broken, { $ref: "#/components/schemas/InvoiceList" }, openapi)).toEqual([
      "$.invoices[0].currency: missing",
      "$.invoices[0].amount_crypto: number, expected string",
      "$.invoices[0].extra: not documented",
    ]);
  });
});
