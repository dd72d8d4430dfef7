// The alert kinds of a generic ALERT_URL, as events of /openapi.json's `webhooks` (docs/alerts.md).

import { type EventEntry, envelope, INVOICE_ID, ISO, int, type Schema, str } from "./openapi-schemas";

/** The facts alerts carry, by name: one meaning each, whichever kind carries them. */
const FACTS: Record<string, Schema> = {
  invoice_id: INVOICE_ID,
  order_id: { type: ["string", "null"], description: "the invoice's order id" },
  event_id: str("the event's webhook-id (evt_…)"),
  destination: str("the FORWARD_URL concerned"),
  last_error: {
    type: ["string", "null"],
    description: "http_5xx, http_4xx, timeout, network, redirect, rate_limited, gone, dead_letter, or the API's error",
  },
  attempts: int("attempts in the last round"),
  consecutive_failures: int("failures in a row"),
  invoice_ids: { type: "array", items: INVOICE_ID, description: "the invoices recovered" },
  during: str("what was running when the API refused the key, e.g. reconciliation"),
  oldest_pending_age_seconds: int("how long the oldest pending delivery has waited"),
  pending: int("pending deliveries"),
  requested_at: ISO,
  destination_id: str("dst_…: the destination (GET /destinations/{id})"),
  opened_at: { ...ISO, description: "when its circuit opened" },
  open_seconds: int("how long its circuit was open"),
  released: int("waiting deliveries released at once when it closed"),
  project: str("the project (slug) the alert is about"),
  missed: int("alerts this channel did not get while it was down"),
  kinds: { type: "object", additionalProperties: { type: "integer" }, description: "kind → how many of it were missed" },
  first_at: ISO,
  last_at: ISO,
  date: str("YYYY-MM-DD (UTC): the day reported"),
  so_far: { type: "boolean", description: "POST /alerts/digest: today until now, not a finished day" },
  invoices: int("live invoices first received that day"),
  by_currency: { type: "object", additionalProperties: str("exact decimal sum"), description: "currency → exact decimal sum" },
  pending_deliveries: int("every delivery still pending now"),
};

/**
 * The alert kinds of a generic ALERT_URL (signed like events, with the same FORWARD_SECRET): the
 * facts each always carries, then those it may. A new kind is one line here.
 */
const ALERTS: [kind: string, summary: string, always: string[], sometimes: string[]][] = [
  [
    "delivery.exhausted",
    "An event could not be delivered after every retry",
    ["invoice_id", "destination"],
    ["order_id", "event_id", "last_error", "attempts"],
  ],
  ["destination.gone", "A destination answered 410 Gone", ["invoice_id", "destination"], ["order_id", "event_id"]],
  [
    "destination.failing",
    "A destination's circuit opened: deliveries wait and one probe checks it",
    ["destination"],
    ["destination_id", "consecutive_failures", "last_error", "invoice_id", "order_id", "event_id"],
  ],
  [
    "destination.recovered",
    "A probe succeeded: the circuit closed and waiting deliveries were released",
    ["destination"],
    ["destination_id", "open_seconds", "released", "invoice_id", "order_id", "event_id"],
  ],
  [
    "destination.disabled",
    "A circuit open for DISABLE_AFTER_HOURS disabled the destination",
    ["destination"],
    ["destination_id", "opened_at"],
  ],
  ["alerts.missed", "This alert channel came back: what it missed while down", ["missed"], ["kinds", "first_at", "last_at"]],
  [
    "report.daily",
    "The daily digest (DIGEST_HOUR_UTC) or POST /alerts/digest",
    ["date"],
    ["so_far", "invoices", "by_currency", "pending_deliveries"],
  ],
  ["confirmation.unauthorized", "CryptoCloud's API refused CRYPTOCLOUD_API_KEY", [], ["invoice_id", "during"]],
  ["reconciliation.recovered", "Reconciliation recorded paid invoices whose postback never arrived", ["invoice_ids"], []],
  ["reconciliation.failed", "Reconciliation failed several runs in a row", [], ["consecutive_failures", "last_error"]],
  ["backlog.stale", "The oldest pending delivery has waited over an hour", [], ["oldest_pending_age_seconds", "pending"]],
  ["test", "POST /alerts/test", [], ["requested_at"]],
];

const alertSchemaName = (kind: string): string => `Alert${kind.replace(/(^|[._])([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}Event`;

/** One webhook entry per alert kind. */
export const ALERT_EVENTS: EventEntry[] = ALERTS.map(([kind, summary, always, sometimes]) => {
  const fields = Object.fromEntries([...always, ...sometimes].map((f) => [f, FACTS[f] ?? {}]));
  return {
    type: kind === "test" ? "alert.test" : kind,
    schema: alertSchemaName(kind),
    summary: `Alert: ${summary}`,
    body: envelope(kind, {
      type: "object",
      description: "the alert's facts; more may be added, so ignore what you do not know",
      properties: { ...fields, summary: str("the one-line human text of the alert"), suppressed: int("alerts the cooldown held back") },
      required: ["summary", "suppressed", ...always],
      additionalProperties: true,
    }),
    example: { type: kind, timestamp: "2026-11-23T18:00:00.000Z", data: { ...exampleFacts(always), summary, suppressed: 0 } },
    id: "alr_<32 hex>: one alert to one URL; dedupe on it",
  };
});

function exampleFacts(names: string[]): Record<string, unknown> {
  const sample: Record<string, unknown> = {
    invoice_id: "DZLF4212",
    destination: "https://shop.example/hooks/cryptocloud",
    invoice_ids: ["DZLF4212"],
    missed: 3,
    date: "2026-11-30",
  };
  return Object.fromEntries(names.map((k) => [k, sample[k]]));
}
