import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { captureLogs } from "../../support/logs";
import { fields, formRequest, jsonRequest } from "../../support/postbacks";
import { api, call, newInvoiceId } from "../../support/worker";

async function postInvoice(extra = {}) {
  const id = newInvoiceId();
  const f = await fields(id, extra);
  expect((await call(formRequest(f))).status).toBe(200);
  return { id, token: f.token as string };
}

describe("GET /invoices/:invoice_id", () => {
  it("returns the invoice with every documented field, and never the token", async () => {
    const { id, token } = await postInvoice({ order_id: "заказ №7" });
    const res = await call(api(`/invoices/${id}`));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toEqual({
      invoice_id: id,
      invoice_uuid: `INV-${id}`,
      status: "paid",
      amount_crypto: "0.4567",
      currency: "BTC",
      order_id: "заказ №7",
      test_mode: null,
      confirmed: false,
      first_received_at: expect.any(String),
      last_received_at: expect.any(String),
      postback_count: 1,
      source: "postback",
      project: "default",
      not_forwarded: null,
      detail: null,
    });
  });

  it("serves the same JSON as the KV projection", async () => {
    const { id } = await postInvoice();
    const fromApi = await (await call(api(`/invoices/${id}`))).json();
    expect(JSON.parse((await env.INVOICES.get(`invoice:${id}`)) ?? "null")).toEqual(fromApi);
  });

  it("keeps an 18-decimal amount exact through the read API", async () => {
    const id = newInvoiceId();
    const body = JSON.stringify(await fields(id)).replace('"amount_crypto":"0.4567"', '"amount_crypto":0.123456789012345678');
    await call(jsonRequest(body));
    const text = await (await call(api(`/invoices/${id}`))).text();
    expect(text).toContain('"amount_crypto":"0.123456789012345678"');
  });

  it("finds an invoice by its INV- uuid or in lower case", async () => {
    const { id } = await postInvoice();
    expect((await call(api(`/invoices/INV-${id}`))).status).toBe(200);
    expect((await call(api(`/invoices/${id.toLowerCase()}`))).status).toBe(200);
  });

  it("answers 404 for an unknown invoice", async () => {
    const res = await call(api("/invoices/NOPE0000"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 401 without a token", async () => {
    const res = await call(new Request("https://worker.test/invoices/ANY00000"));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("answers 401 with the wrong token, even one that shares a prefix", async () => {
    expect((await call(api("/invoices/ANY00000", {}, `${env.API_TOKEN.slice(0, -1)}x`))).status).toBe(401);
    expect((await call(api("/invoices/ANY00000", {}, `${env.API_TOKEN}x`))).status).toBe(401);
  });

  it("answers 503 not_configured when API_TOKEN is not set", async () => {
    const res = await call(api("/invoices/ANY00000"), { API_TOKEN: "" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("not_configured");
  });

  it("sends security headers and no CORS", async () => {
    const res = await call(api("/invoices/NOPE0000"));
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("GET /invoices", () => {
  it("lists newest first and pages with next_cursor without skipping or repeating", async () => {
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await postInvoice()).id);
      await new Promise((r) => setTimeout(r, 2));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/invoices?limit=2&since=${encodeURIComponent(since)}${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await call(api(q))).json()) as { invoices: { invoice_id: string }[]; next_cursor: string | null };
      expect(page.invoices.length).toBeLessThanOrEqual(2);
      seen.push(...page.invoices.map((i) => i.invoice_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status", async () => {
    const since = new Date().toISOString();
    await postInvoice();
    const res = await call(api(`/invoices?status=overpaid&since=${encodeURIComponent(since)}`));
    expect(((await res.json()) as { invoices: unknown[] }).invoices).toEqual([]);
  });

  it("finds a shop's order by its exact order_id", async () => {
    const order = `ORD-${newInvoiceId()}`;
    const { id } = await postInvoice({ order_id: order });
    await postInvoice({ order_id: `${order}-2` });
    const res = await call(api(`/invoices?order_id=${encodeURIComponent(order)}`));
    const body = (await res.json()) as { invoices: { invoice_id: string; order_id: string }[] };
    expect(body.invoices.map((i) => [i.invoice_id, i.order_id])).toEqual([[id, order]]);
  });

  it.each([
    ["stauts=paid", "stauts", "is not a parameter of this route"],
    ["status=paid&status=overpaid", "status", "is invalid"],
    ["order_id=", "order_id", "is invalid"],
  ])("answers 400 for %s, naming the parameter", async (q, field, what) => {
    const res = await call(api(`/invoices?${q}`));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe(`The query parameter "${field}" ${what}.`);
  });

  it("says 'required' for a missing required parameter", async () => {
    const res = await call(api("/deliveries/redeliver", { method: "POST" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe('The query parameter "since" is required.');
  });

  it("answers 404 for the deliveries, postbacks or redelivery of an unknown invoice", async () => {
    for (const [path, method] of [
      ["/invoices/NOPE0000/deliveries", "GET"],
      ["/invoices/NOPE0000/postbacks", "GET"],
      ["/invoices/NOPE0000/redeliver", "POST"],
    ]) {
      expect((await call(api(path ?? "", { method }))).status).toBe(404);
    }
  });

  it("shows an invoice's postback history, oldest first, never the token", async () => {
    const { id, token } = await postInvoice({ order_id: "first" });
    await call(jsonRequest(await fields(id, { order_id: "second" })));
    const res = await call(api(`/invoices/${id}/postbacks`));
    const text = await res.text();
    expect(text).not.toContain(token);
    const body = JSON.parse(text) as { postbacks: { order_id: string; content_type: string; test_mode: boolean | null }[] };
    expect(body.postbacks.map((p) => [p.order_id, p.content_type])).toEqual([
      ["first", "form"],
      ["second", "json"],
    ]);
  });

  it.each(["limit=0", "limit=abc", "limit=1000", "status=bogus", "since=yesterday", "cursor=%%%"])("answers 400 for %s", async (q) => {
    const res = await call(api(`/invoices?${q}`));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_query");
  });
});

describe("GET /health", () => {
  it("answers 200 when the configuration is complete", async () => {
    const res = await call(new Request("https://worker.test/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", errors: [] });
  });

  it("answers 503 with the reason, and no secret, when configuration is broken", async () => {
    const res = await call(new Request("https://worker.test/health"), {
      FORWARD_URL: "http://10.0.0.1/x",
      FORWARD_ALLOW_PRIVATE: "false",
      FORWARD_TIMEOUT_MS: "nope",
    });
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("FORWARD_URL");
    expect(text).toContain("FORWARD_TIMEOUT_MS");
    expect(text).not.toContain(env.CRYPTOCLOUD_SECRET_KEY);
    expect(text).not.toContain(env.FORWARD_SECRET);
  });

  it("reports an API KEY configured as the SECRET KEY", async () => {
    const res = await call(new Request("https://worker.test/health"), {
      CRYPTOCLOUD_SECRET_KEY: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6IjEyMyJ9.abc",
    });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("looks like the API KEY");
  });
});

describe("unknown routes", () => {
  it("answer 404 problem+json", async () => {
    const res = await call(new Request("https://worker.test/nope"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("logs", () => {
  const logs = captureLogs();

  it("log a configuration error once, when the config is first read", async () => {
    await call(new Request("https://worker.test/health"), { FORWARD_TIMEOUT_MS: "nope" });
    const lines = logs.filter((l) => l.includes('"config.invalid"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("FORWARD_TIMEOUT_MS");
  });

  it("log a refused postback with its request id, outcome code and latency, and never the token", async () => {
    const f = await fields(newInvoiceId(), { currency: "btc" });
    const token = String(f.token);
    const res = await call(formRequest(f));
    const { request_id } = (await res.json()) as { request_id: string };
    const line = JSON.parse(logs.find((l) => l.includes(request_id)) ?? "{}");
    expect(line).toMatchObject({ event: "request.failed", request_id, code: "invalid_field", field: "currency" });
    expect(typeof line.latency_ms).toBe("number");
    expect(logs.join("\n")).not.toContain(token);
  });
});
