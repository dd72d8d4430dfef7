// The events this Worker POSTs, as OpenAPI 3.1 `webhooks`: what a merchant's receiver can rely on.
// Merged into /openapi.json by src/openapi.ts. test/e2e/event-contract.e2e.test.ts validates events
// captured from the Worker against these schemas (ajv, draft 2020-12), so they cannot drift apart.
// A new event or alert kind is one entry in EVENTS or ALERTS below.

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (description: string, more: Schema = {}): Schema => ({ type: "string", description, ...more });
const int = (description: string): Schema => ({ type: "integer", minimum: 0, description });
const ISO = str("ISO 8601 UTC, milliseconds", { format: "date-time" });
/** Canonical exact decimals, as the Worker writes them: "0.4567", "100", "0.0000001"; never a number. */
const DECIMAL = str("exact decimal string: parse with a decimal library, never as a float", {
  pattern: "^(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?$",
});
const INVOICE_ID = str("CryptoCloud's invoice id, upper case, without INV-", { pattern: "^[A-Z0-9_-]{1,64}$" });

/** The Standard Webhooks envelope every event shares; `type` is fixed per event. */
const envelope = (type: string, data: Schema): Schema => ({
  type: "object",
  properties: { type: { const: type }, timestamp: ISO, data },
  required: ["type", "timestamp", "data"],
  additionalProperties: false,
});

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

interface EventEntry {
  type: string;
  schema: string; // its name under components.schemas
  summary: string;
  body: Schema;
  example: unknown;
  id: string; // what webhook-id looks like
}

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
    properties: { destination_id: str("the destination being tested"), message: str("a human sentence") },
    additionalProperties: true,
  }),
  example: {
    type: "destination.test",
    timestamp: "2026-11-23T18:00:00.000Z",
    data: { destination_id: "dst_shop", message: "Test event from cryptocloud-postback: this destination verifies and answers." },
  },
  id: "msg_<random>: new for every test",
});

/** The alert kinds of a generic ALERT_URL (signed like events, with the same FORWARD_SECRET). */
const ALERTS: [kind: string, summary: string, fields: Record<string, Schema>][] = [
  ["delivery.exhausted", "An event could not be delivered after every retry", { invoice_id: INVOICE_ID, destination: str("where") }],
  ["destination.gone", "A destination answered 410 Gone", { invoice_id: INVOICE_ID, destination: str("where") }],
  ["destination.failing", "A destination failed several deliveries in a row", { destination: str("where") }],
  ["destination.recovered", "A failing destination accepts deliveries again", { destination: str("where") }],
  ["confirmation.unauthorized", "CryptoCloud's API refused CRYPTOCLOUD_API_KEY", {}],
  ["reconciliation.recovered", "Reconciliation recorded paid invoices whose postback never arrived", { invoice_ids: { type: "array" } }],
  ["reconciliation.failed", "Reconciliation failed several runs in a row", {}],
  ["backlog.stale", "The oldest pending delivery has waited over an hour", { pending: int("pending deliveries") }],
  ["test", "POST /alerts/test", {}],
];

const alertSchemaName = (kind: string): string => `Alert${kind.replace(/(^|[._])([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}Event`;

for (const [kind, summary, fields] of ALERTS) {
  EVENTS.push({
    type: kind === "test" ? "alert.test" : kind,
    schema: alertSchemaName(kind),
    summary: `Alert: ${summary}`,
    body: envelope(kind, {
      type: "object",
      description: "the alert's facts; more may be added, so ignore what you do not know",
      properties: { ...fields, summary: str("the one-line human text of the alert"), suppressed: int("alerts the cooldown held back") },
      required: ["summary", "suppressed", ...Object.keys(fields)],
      additionalProperties: true,
    }),
    example: { type: kind, timestamp: "2026-11-23T18:00:00.000Z", data: { ...exampleFacts(fields), summary, suppressed: 0 } },
    id: "alr_<32 hex>: one alert to one URL; dedupe on it",
  });
}

function exampleFacts(fields: Record<string, Schema>): Record<string, unknown> {
  const sample: Record<string, unknown> = { invoice_id: "DZLF4212", destination: "https://shop.example/hooks/cryptocloud" };
  return Object.fromEntries(Object.keys(fields).map((k) => [k, sample[k] ?? (k === "invoice_ids" ? ["DZLF4212"] : 1)]));
}

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
