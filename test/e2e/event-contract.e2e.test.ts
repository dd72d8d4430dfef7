// The event contract in /openapi.json (`webhooks`, src/openapi-webhooks.ts), checked with a real JSON
// Schema validator (ajv, draft 2020-12, strict) against events captured from the Worker, so the
// document and what the Worker sends cannot drift apart.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openapiDocument } from "../../scripts/build-page.mjs";
import { alertBody } from "../../src/domain/alert";
import { digestData } from "../../src/domain/digest";
import { type Captured, captureForwardedEvents } from "../node/forwarded-events";

type Operation = {
  parameters: { name: string; in: string; required: boolean }[];
  requestBody: { content: { "application/json": { schema: { $ref: string }; examples: { real: { value: unknown } } } } };
};
const doc = openapiDocument() as {
  openapi: string;
  webhooks: Record<string, { post: Operation }>;
  components: { schemas: Record<string, unknown> };
};

// OpenAPI 3.1 schemas are JSON Schema 2020-12: hand them to ajv as $defs of one schema per event.
const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validators = new Map<string, ValidateFunction>();
const bodyOf = (op: Operation) => op.requestBody.content["application/json"];
for (const [name, { post }] of Object.entries(doc.webhooks)) {
  validators.set(name, ajv.compile({ $defs: defs, $ref: bodyOf(post).schema.$ref.replace("#/components/schemas/", "#/$defs/") }));
}

/** The webhook whose body `type` is this: the key, or the alert kind `test` under alert.test. */
const webhookFor = (type: string): string => (type === "test" ? "alert.test" : type);
function check(body: unknown): string[] {
  const type = (body as { type: string }).type;
  const validate = validators.get(webhookFor(type));
  if (!validate) return [`no webhook in /openapi.json for type ${type}`];
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message}`);
}

let captured: Captured;
beforeAll(async () => {
  captured = await captureForwardedEvents();
});
afterAll(async () => {
  await captured?.close();
});

describe("the webhooks section of /openapi.json", () => {
  it("is OpenAPI 3.1 with one entry per event type, each with the three webhook-* headers", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const type of ["invoice.paid", "invoice.overpaid", "invoice.partial", "destination.test", "delivery.exhausted", "alert.test"]) {
      const headers = doc.webhooks[type]?.post.parameters.filter((p) => p.in === "header" && p.required).map((p) => p.name);
      expect(headers, type).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    }
  });

  it("has an example for every event that its own schema accepts", () => {
    for (const { post } of Object.values(doc.webhooks)) expect(check(bodyOf(post).examples.real.value)).toEqual([]);
  });

  it("accepts every payment event the Worker forwarded, each of the three statuses", () => {
    const bodies = captured.events.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual(["invoice.partial", "invoice.paid", "invoice.overpaid", "invoice.paid"]);
    for (const body of bodies) expect(check(body)).toEqual([]);
    expect(bodies[1].data.amount_crypto).toBe("0.123456789012345678");
  });

  it("accepts the generic alert the Worker sent for POST /alerts/test", () => {
    expect(captured.alerts).toHaveLength(1);
    expect(check(JSON.parse(captured.alerts[0]?.body ?? "null"))).toEqual([]);
  });

  it("accepts every alert kind as the Worker builds it (alertBody, the generic format)", () => {
    const facts = { invoice_id: "DZLF4212", order_id: "ORD1", destination: "https://shop.example/hook", last_error: "http_5xx" };
    const data: Record<string, Record<string, unknown>> = {
      "reconciliation.recovered": { invoice_ids: ["DZLF4212"] },
      "backlog.stale": { oldest_pending_age_seconds: 4000, pending: 3 },
      "destination.failing": { destination: facts.destination, consecutive_failures: 5, last_error: "timeout" },
      "destination.disabled": {
        destination: facts.destination,
        destination_id: "dst_cfg_0123456789abcdef",
        opened_at: new Date().toISOString(),
      },
      "alerts.missed": { missed: 2, kinds: { "backlog.stale": 2 }, first_at: new Date().toISOString(), last_at: new Date().toISOString() },
      "report.daily": digestData(
        {
          date: "2026-11-30",
          invoices: 3,
          test_invoices: 1,
          held_invoices: 0,
          by_currency: { BTC: "0.9134", ETH: "0.000000000000000001" },
          amount_usd: "123.45",
          amount_usd_invoices: 2,
          delivered: 2,
          waiting: 1,
          exhausted: 0,
        },
        { pending: 1, oldestSince: null },
        false,
      ) as unknown as Record<string, unknown>,
    };
    const kinds = Object.keys(doc.webhooks).filter((k) => !k.startsWith("invoice.") && k !== "destination.test");
    for (const kind of kinds.map((k) => (k === "alert.test" ? "test" : k))) {
      const body = JSON.parse(alertBody("generic:https://alerts.example/hook", kind as never, data[kind] ?? facts, 2, new Date()));
      expect(check(body), kind).toEqual([]);
    }
  });

  it("accepts the destination.test event the Worker sent for POST /destinations/:id/test", () => {
    expect(captured.tests).toHaveLength(1);
    const body = JSON.parse(captured.tests[0]?.body ?? "null");
    expect(body.type).toBe("destination.test");
    expect(check(body)).toEqual([]);
    expect(check({ ...body, data: { requested_at: body.data.requested_at } })).not.toEqual([]); // no destination_id
  });

  it("refuses what would break a receiver: a float amount, a missing field, an unknown field, a wrong status", () => {
    const paid = JSON.parse(captured.events[1]?.body ?? "{}");
    const broken = [
      { ...paid, data: { ...paid.data, amount_crypto: 0.5 } }, // a number, even an exact one
      { ...paid, data: { ...paid.data, amount_crypto: "1e-7" } },
      { ...paid, data: { ...paid.data, confirmed: undefined } },
      { ...paid, data: { ...paid.data, surprise: 1 } },
      { ...paid, data: { ...paid.data, status: "overpaid" } },
      { ...paid, timestamp: "yesterday" },
    ].map((b) => JSON.parse(JSON.stringify(b)));
    for (const body of broken) expect(check(body), JSON.stringify(body.data)).not.toEqual([]);
  });
});
