// The events this Worker POSTs, as OpenAPI 3.1 `webhooks`: what a merchant's receiver can rely on.
// Merged into /openapi.json by src/openapi.ts. test/e2e/event-contract.e2e.test.ts validates events
// captured from the Worker against these schemas (ajv, draft 2020-12), so they cannot drift apart.
// A new event is one entry in EVENTS below; a new alert kind one line in ALERTS (src/openapi-alerts.ts).

import { ALERT_EVENTS } from "./openapi-alerts";
import { DECIMAL, type EventEntry, envelope, INVOICE_ID, ISO, ref, type Schema, str } from "./openapi-schemas";

const invoiceData = (status: string): Schema => ({
  type: "object",
  properties: {
    invoice_id: INVOICE_ID,
    invoice_uuid: str("the same id with INV-", { pattern: "^INV-[A-Z0-9_-]{1,64}$" }),
    order_id: { type: ["string", "null"], description: "your order id as given to CryptoCloud, or null" },
    status: { const: status },
    amount_crypto: DECIMAL,
    currency: str("e.g. BTC, USDT_TRC20: not a closed list", { pattern: "^[A-Z0-9_]{1,32}$" }),
    test_mode: { type: ["boolean", "null"], description: "true: a test invoice, no money moved; null: CryptoCloud did not say" },
    confirmed: { type: "boolean", description: "true when CryptoCloud's API confirmed the values (CRYPTOCLOUD_API_KEY)" },
    received_at: ISO,
    project: str("the project's slug, when the Worker serves several projects", { pattern: "^[a-z0-9][a-z0-9_-]{0,63}$" }),
  },
  required: ["invoice_id", "invoice_uuid", "order_id", "status", "amount_crypto", "currency", "test_mode", "confirmed", "received_at"],
  additionalProperties: false,
});

const invoiceExample = (status: string, amount: string) => ({
  type: `invoice.${status}`,
  timestamp: "2026-11-23T18:00:00.000Z",
  data: {
    invoice_id: "DZLF4212",
    invoice_uuid: "INV-DZLF4212",
    order_id: "ORD99999",
    status,
    amount_crypto: amount,
    currency: "BTC",
    test_mode: false,
    confirmed: true,
    received_at: "2026-11-23T18:00:00.000Z",
  },
});

/** The payment events, one per status an invoice reaches (sent to every FORWARD_URL). */
const EVENTS: EventEntry[] = [
  ["paid", "InvoicePaidEvent", "The invoice is paid in full", "0.4567"],
  ["overpaid", "InvoiceOverpaidEvent", "The customer paid more than asked", "0.5"],
  ["partial", "InvoicePartialEvent", "The customer paid less than asked: do not fulfil", "0.2"],
].map(([status = "", schema = "", summary = "", amount = ""]) => ({
  type: `invoice.${status}`,
  schema,
  summary,
  body: envelope(`invoice.${status}`, invoiceData(status)),
  example: invoiceExample(status, amount),
  id: `evt_<invoice_id>_${status}: the same on every retry and redelivery; dedupe on it`,
}));

/**
 * `POST /destinations/:id/test`: a signed Standard Webhooks payload that proves the destination and
 * its secret work. Carries no invoice: a receiver acknowledges it (2xx) and records nothing.
 */
EVENTS.push({
  type: "destination.test",
  schema: "DestinationTestEvent",
  summary: "A test from POST /destinations/{id}/test: answer 2xx, change nothing",
  body: envelope("destination.test", {
    type: "object",
    properties: { destination_id: str("the destination being tested (dst_…)"), requested_at: str("when the test was sent (ISO 8601)") },
    required: ["destination_id", "requested_at"],
    additionalProperties: true,
  }),
  example: {
    type: "destination.test",
    timestamp: "2026-11-23T18:00:00.000Z",
    data: { destination_id: "dst_cfg_3f2a9c0d1b4e5f60", requested_at: "2026-11-23T18:00:00.000Z" },
  },
  id: "evt_test_<32 hex>: new for every test",
});

EVENTS.push(...ALERT_EVENTS);

const header = (name: string, description: string): Schema => ({
  name,
  in: "header",
  required: true,
  schema: { type: "string" },
  description,
});

export const webhookSchemas: Record<string, Schema> = Object.fromEntries(EVENTS.map((e) => [e.schema, e.body]));

/** The `webhooks` object of the OpenAPI document, keyed by event type. */
export const webhooks = Object.fromEntries(
  EVENTS.map((e) => [
    e.type,
    {
      post: {
        summary: e.summary,
        parameters: [
          header("webhook-id", e.id),
          header("webhook-timestamp", "Unix seconds of this attempt; refuse it more than 5 minutes from your clock"),
          header("webhook-signature", 'v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">, space-separated per secret'),
        ],
        requestBody: {
          required: true,
          content: { "application/json": { schema: ref(e.schema), examples: { real: { value: e.example } } } },
        },
        responses: {
          "2XX": { description: "Delivered: answer fast, work after answering" },
          "410": { description: "Stop sending this event to this URL" },
          default: { description: "Retried on the FORWARD_RETRY_DELAYS schedule" },
        },
      },
    },
  ]),
);
