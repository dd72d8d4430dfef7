import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { captureLogs } from "../../support/logs";
import {
  cryptoCloudToken,
  fields,
  formBody,
  formRequest,
  invoiceInfo,
  jsonRequest,
  multipartRequest,
  untypedRequest,
} from "../../support/postbacks";
import { call, newInvoiceId, rows } from "../../support/worker";

const logs = captureLogs();

async function recorded(invoiceId: string) {
  const [invoices, receipts, events] = await Promise.all([
    rows("SELECT * FROM invoices WHERE invoice_id = ?", invoiceId),
    rows("SELECT * FROM postbacks WHERE invoice_id = ?", invoiceId),
    rows("SELECT * FROM events WHERE invoice_id = ?", invoiceId),
  ]);
  return { invoices, receipts, events, kv: await env.INVOICES.get(`invoice:${invoiceId}`) };
}

async function expectNothingRecorded(invoiceId: string) {
  expect(await recorded(invoiceId)).toEqual({ invoices: [], receipts: [], events: [], kv: null });
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { code: string; detail: string };
  expect(body.code).toBe(code);
  return body;
}

describe("POST /postback accepts every real format", () => {
  it("records a v1 form postback, answers 200 and projects it to KV", async () => {
    const id = newInvoiceId();
    const res = await call(formRequest(await fields(id)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Postback received" });
    const r = await recorded(id);
    expect(r.invoices[0]).toMatchObject({
      status: "paid",
      amount_crypto: "0.4567",
      currency: "BTC",
      order_id: "ORD99999",
      postback_count: 1,
    });
    expect(r.receipts[0]).toMatchObject({ content_type: "form", api_version: 1 });
    expect(JSON.parse(r.kv ?? "null")).toMatchObject({
      invoice_id: id,
      invoice_uuid: `INV-${id}`,
      status: "paid",
      amount_crypto: "0.4567",
    });
  });

  it("records a v1 JSON postback with a numeric amount", async () => {
    const id = newInvoiceId();
    const body = JSON.stringify(await fields(id)).replace('"amount_crypto":"0.4567"', '"amount_crypto":0.4567');
    expect((await call(jsonRequest(body))).status).toBe(200);
    expect((await recorded(id)).invoices[0]).toMatchObject({ amount_crypto: "0.4567" });
  });

  it("keeps an 18-decimal JSON number exactly", async () => {
    const id = newInvoiceId();
    const body = JSON.stringify(await fields(id, { currency: "ETH" })).replace(
      '"amount_crypto":"0.4567"',
      '"amount_crypto":0.123456789012345678',
    );
    expect((await call(jsonRequest(body))).status).toBe(200);
    const kv = JSON.parse((await env.INVOICES.get(`invoice:${id}`)) ?? "{}");
    expect(kv.amount_crypto).toBe("0.123456789012345678");
  });

  it("records a multipart postback", async () => {
    const id = newInvoiceId();
    expect((await call(multipartRequest(await fields(id)))).status).toBe(200);
    expect((await recorded(id)).receipts[0]).toMatchObject({ content_type: "multipart" });
  });

  it("treats a body with no content type that starts with { as JSON", async () => {
    const id = newInvoiceId();
    expect((await call(jsonRequest(await fields(id), null))).status).toBe(200);
    expect((await recorded(id)).receipts[0]).toMatchObject({ content_type: "json" });
  });

  it("reads a v2 JSON postback's invoice_info: status and test mode", async () => {
    const id = newInvoiceId();
    const f = await fields(id, {
      currency: "USDT_TRC20",
      amount_crypto: 100,
      invoice_info: invoiceInfo(id, { status: "overpaid", test_mode: true }),
    });
    expect((await call(jsonRequest(f))).status).toBe(200);
    expect((await recorded(id)).invoices[0]).toMatchObject({ status: "overpaid", test_mode: 1, amount_crypto: "100" });
  });

  it("reads a v2 form postback's invoice_info from a JSON string", async () => {
    const id = newInvoiceId();
    expect((await call(formRequest(await fields(id, { invoice_info: invoiceInfo(id, { status: "partial" }) })))).status).toBe(200);
    expect((await recorded(id)).invoices[0]).toMatchObject({ status: "partial", test_mode: 0 });
  });

  it("accepts an invoice_id with the INV- prefix and stores it without", async () => {
    const id = newInvoiceId();
    expect((await call(formRequest(await fields(`INV-${id}`, { token: await cryptoCloudToken(id) })))).status).toBe(200);
    expect((await recorded(id)).invoices).toHaveLength(1);
  });

  it("accepts a token signed by the second of two rotated secrets", async () => {
    const id = newInvoiceId();
    const token = await cryptoCloudToken(id, { secret: "next-secret-key" });
    const res = await call(formRequest(await fields(id, { token })), {
      CRYPTOCLOUD_SECRET_KEY: `${env.CRYPTOCLOUD_SECRET_KEY},next-secret-key`,
    });
    expect(res.status).toBe(200);
  });
});

describe("POST /postback records each invoice once", () => {
  it("answers 200 to a duplicate and only counts it", async () => {
    const id = newInvoiceId();
    const f = await fields(id);
    expect((await call(formRequest(f))).status).toBe(200);
    expect((await call(formRequest(f))).status).toBe(200);
    const r = await recorded(id);
    expect(r.invoices[0]).toMatchObject({ postback_count: 2 });
    expect(r.receipts).toHaveLength(2);
    expect(r.events).toHaveLength(1);
  });

  it("creates one event and one delivery per destination for 10 concurrent duplicates", async () => {
    const id = newInvoiceId();
    const f = await fields(id);
    const overrides = { FORWARD_URL: `${env.LOCAL_SERVER}/hook/a,${env.LOCAL_SERVER}/hook/b` };
    const results = await Promise.all(Array.from({ length: 10 }, () => call(formRequest(f), overrides)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await rows("SELECT id FROM events WHERE invoice_id = ?", id)).toHaveLength(1);
    expect(await rows("SELECT id FROM deliveries WHERE invoice_id = ?", id)).toHaveLength(2);
    expect((await recorded(id)).invoices[0]).toMatchObject({ postback_count: 10 });
  });

  it("moves paid forward to overpaid with a new event, and never back", async () => {
    const id = newInvoiceId();
    await call(jsonRequest(await fields(id, { invoice_info: invoiceInfo(id, { status: "paid" }) })));
    await call(jsonRequest(await fields(id, { amount_crypto: "0.5", invoice_info: invoiceInfo(id, { status: "overpaid" }) })));
    await call(jsonRequest(await fields(id, { amount_crypto: "0.1", invoice_info: invoiceInfo(id, { status: "paid" }) })));
    const r = await recorded(id);
    expect(r.invoices[0]).toMatchObject({ status: "overpaid", amount_crypto: "0.5", postback_count: 3 });
    expect(r.events.map((e) => e.type).sort()).toEqual(["invoice.overpaid", "invoice.paid"]);
    expect(JSON.parse(r.kv ?? "{}")).toMatchObject({ status: "overpaid" });
  });

  it("projects a new status to KV at once, and leaves a duplicate's counters to the sweeper", async () => {
    const id = newInvoiceId();
    const f = await fields(id);
    await call(formRequest(f));
    await call(formRequest(f));
    await call(formRequest(f));
    const kv = () => env.INVOICES.getWithMetadata<{ version: number }>(`invoice:${id}`);
    expect(JSON.parse((await kv()).value ?? "{}")).toMatchObject({ status: "paid", postback_count: 1 });
    expect((await kv()).metadata).toEqual({ version: 1 });

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 11_000 }), env, ctx);
    expect(JSON.parse((await kv()).value ?? "{}")).toMatchObject({ status: "paid", postback_count: 3 });
    expect((await kv()).metadata).toEqual({ version: 3 });
  });

  it("never stores the token", async () => {
    const id = newInvoiceId();
    const f = await fields(id);
    await call(formRequest(f));
    const dump = JSON.stringify(await recorded(id));
    expect(dump).not.toContain(f.token as string);
    expect(logs.join("\n")).not.toContain(f.token as string);
  });
});

describe("POST /postback refuses, and records nothing", () => {
  const refused = (name: string, make: (id: string) => Promise<Request>, status: number, code: string, overrides = {}) =>
    it(name, async () => {
      const id = newInvoiceId();
      await expectProblem(await call(await make(id), overrides), status, code);
      await expectNothingRecorded(id);
    });

  refused("400 for invalid JSON", async () => jsonRequest("{not json"), 400, "malformed_body");
  refused("400 for a JSON array", async () => jsonRequest("[1,2]"), 400, "malformed_body");
  refused(
    "400 for a body that is not UTF-8",
    async () =>
      new Request("https://worker.test/postback", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      }),
    400,
    "malformed_body",
  );
  refused("400 for a missing invoice_id", async (id) => formRequest({ ...(await fields(id)), invoice_id: "" }), 400, "invalid_field");
  refused("400 for a negative amount", async (id) => formRequest(await fields(id, { amount_crypto: "-1" })), 400, "invalid_field");
  refused(
    "400 for an amount that is not a number",
    async (id) => formRequest(await fields(id, { amount_crypto: "lots" })),
    400,
    "invalid_field",
  );
  refused("400 for a lower-case currency", async (id) => formRequest(await fields(id, { currency: "btc" })), 400, "invalid_field");
  refused(
    "400 for an order_id over 256 characters",
    async (id) => formRequest(await fields(id, { order_id: "x".repeat(257) })),
    400,
    "invalid_field",
  );
  refused("400 for a missing token", async (id) => formRequest({ ...(await fields(id)), token: undefined }), 400, "invalid_field");
  refused(
    "400 for a repeated form field",
    async (id) => formRequest(`${formBody(await fields(id))}&amount_crypto=999`),
    400,
    "invalid_field",
  );
  refused(
    "400 for a v2 invoice_info of another invoice",
    async (id) => jsonRequest(await fields(id, { invoice_info: invoiceInfo("ZZZZ9999") })),
    400,
    "invalid_field",
  );

  refused(
    "401 for the wrong signature",
    async (id) => formRequest(await fields(id, { token: await cryptoCloudToken(id, { secret: "wrong" }) })),
    401,
    "invalid_token",
  );
  refused(
    "401 for an expired token",
    async (id) => formRequest(await fields(id, { token: await cryptoCloudToken(id, { exp: Math.floor(Date.now() / 1000) - 31 }) })),
    401,
    "invalid_token",
  );
  refused(
    "401 for a token without exp",
    async (id) => formRequest(await fields(id, { token: await cryptoCloudToken(id, { exp: null }) })),
    401,
    "invalid_token",
  );
  refused(
    "401 for alg none",
    async (id) => {
      const enc = (o: unknown) => btoa(JSON.stringify(o)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
      return formRequest(
        await fields(id, { token: `${enc({ alg: "none", typ: "JWT" })}.${enc({ id, exp: Math.floor(Date.now() / 1000) + 300 })}.` }),
      );
    },
    401,
    "invalid_token",
  );
  refused(
    "401 for alg HS384",
    async (id) => formRequest(await fields(id, { token: await cryptoCloudToken(id, { alg: "HS384" }) })),
    401,
    "invalid_token",
  );
  refused("401 for a malformed token", async (id) => formRequest(await fields(id, { token: "abc.def.ghi" })), 401, "invalid_token");
  refused(
    "401 for a token issued for another invoice",
    async (id) => formRequest(await fields(id, { token: await cryptoCloudToken("OTHER999") })),
    401,
    "invalid_token",
  );
  refused(
    "401 for the docs' corrupt sample token",
    async (id) =>
      formRequest(
        await fields(id, {
          token: "eyJ0eXAiOiJKV1QiLCJhbGciOiJIAcI1NiJ9.eyJpZCI6MTMsImV4cCI6MTYzMTc4NjQyNn0.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        }),
      ),
    401,
    "invalid_token",
  );

  refused("405 for GET", async () => new Request("https://worker.test/postback"), 405, "method_not_allowed");
  refused(
    "405 for PUT",
    async (id) => new Request("https://worker.test/postback", { method: "PUT", body: formBody(await fields(id)) }),
    405,
    "method_not_allowed",
  );
  refused(
    "413 for a body over 64 KiB",
    async (id) => formRequest(await fields(id, { padding: "x".repeat(65 * 1024) })),
    413,
    "payload_too_large",
  );
  refused(
    "413 for a chunked body over 64 KiB without a content-length",
    async (id) => {
      const body = new TextEncoder().encode(`${formBody(await fields(id))}&padding=${"x".repeat(65 * 1024)}`);
      const stream = new ReadableStream({
        start(c) {
          c.enqueue(body.slice(0, 1000));
          c.enqueue(body.slice(1000));
          c.close();
        },
      });
      return new Request("https://worker.test/postback", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: stream,
      });
    },
    413,
    "payload_too_large",
  );
  refused(
    "415 for text/plain",
    async (id) =>
      new Request("https://worker.test/postback", {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify(await fields(id)),
      }),
    415,
    "unsupported_media_type",
  );
  refused(
    "415 for no content type and a body that is not JSON",
    async (id) => untypedRequest(formBody(await fields(id))),
    415,
    "unsupported_media_type",
  );
  // Issue 12: bodies that say two things, or say it in broken text.
  refused(
    "400 for a JSON body with amount_crypto twice",
    async (id) =>
      jsonRequest(JSON.stringify(await fields(id)).replace('"amount_crypto":"0.4567"', '"amount_crypto":"1","amount_crypto":"999"')),
    400,
    "invalid_field",
  );
  refused(
    "400 for a JSON body with invoice_info twice",
    async (id) => {
      const info = JSON.stringify(invoiceInfo(id));
      return jsonRequest(
        `${JSON.stringify(await fields(id)).slice(0, -1)},"invoice_info":${info},"invoice_info":${info.replace('"paid"', '"overpaid"')}}`,
      );
    },
    400,
    "invalid_field",
  );
  refused(
    "400 for a JSON key repeated under an escape (amount\\u005fcrypto)",
    async (id) => jsonRequest(JSON.stringify(await fields(id)).replace('"currency"', '"amount\\u005fcrypto":"9","currency"')),
    400,
    "invalid_field",
  );
  refused(
    "400 for a lone surrogate in a JSON string",
    async (id) => jsonRequest(JSON.stringify(await fields(id, { order_id: "PLACEHOLDER" })).replace("PLACEHOLDER", "A\\udcffB")),
    400,
    "malformed_body",
  );
  refused(
    "400 for invalid UTF-8 percent-encoded in a form value",
    async (id) => formRequest(formBody(await fields(id, { order_id: "X" })).replace("order_id=X", "order_id=A%FFB")),
    400,
    "malformed_body",
  );
  refused(
    "400 for invalid UTF-8 in a multipart value",
    async (id) => {
      const f = await fields(id);
      const boundary = "b0undary";
      const part = (k: string, v: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
      const head = Object.entries(f)
        .filter(([k]) => k !== "order_id")
        .map(([k, v]) => part(k, String(v)))
        .join("");
      const enc = new TextEncoder();
      const body = new Uint8Array([
        ...enc.encode(`${head}--${boundary}\r\ncontent-disposition: form-data; name="order_id"\r\n\r\nA`),
        0xff,
        0xfe,
        ...enc.encode(`B\r\n--${boundary}--\r\n`),
      ]);
      return new Request("https://worker.test/postback", {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
    },
    400,
    "malformed_body",
  );
  refused("503 when CRYPTOCLOUD_SECRET_KEY is not set", async (id) => formRequest(await fields(id)), 503, "not_configured", {
    CRYPTOCLOUD_SECRET_KEY: "",
  });

  it("401 when the API KEY was configured instead of the SECRET KEY, saying so", async () => {
    const id = newInvoiceId();
    const apiKey = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6Ik1UTTVNVFk9In0.n3eYmbWnT1oiGuQfFJ0H3-b8aSbVXl0vE8NzUfbWSlA";
    const body = await expectProblem(await call(formRequest(await fields(id)), { CRYPTOCLOUD_SECRET_KEY: apiKey }), 401, "invalid_token");
    expect(body.detail).toMatch(/not the API KEY/);
    await expectNothingRecorded(id);
    expect(logs.join("\n")).toContain('"reason":"bad_signature"');
  });

  it("503 when D1 fails on the hot path, with nothing half-written", async () => {
    const id = newInvoiceId();
    const failing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch")
          return async () => {
            throw new Error("D1_ERROR: simulated outage");
          };
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const body = await expectProblem(await call(formRequest(await fields(id)), { DB: failing }), 503, "store_unavailable");
    expect(JSON.stringify(body)).not.toContain("simulated");
    await expectNothingRecorded(id);
  });
});
