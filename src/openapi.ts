// The HTTP API, described for humans and generators. Served as a static asset (/openapi.json, built by
// scripts/build-page.mjs), so it costs the Worker's bundle nothing. Tests check that it and the app's
// routes match in both directions, and validate live responses against these schemas.

import { webhookSchemas, webhooks } from "./openapi-webhooks";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const nullable = (type: string): Schema => ({ type: [type, "null"] });
const list = (items: Schema): Schema => ({ type: "array", items });
const map = (values: Schema): Schema => ({ type: "object", additionalProperties: values });
/** An object whose every listed property is required, and which has no others. */
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: "object",
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});

import { DELIVERY_STATES } from "./domain/delivery-state";

const INVOICE_STATUS = ["paid", "overpaid", "partial", "pending_confirmation", "unconfirmed"];
const DELIVERY_STATE = [...DELIVERY_STATES];

const delivery = {
  id: str,
  event_id: str,
  invoice_id: str,
  destination: str,
  state: { enum: DELIVERY_STATE },
  round: int,
  attempt_count: int,
  next_attempt_at: str,
  lease_until: nullable("string"),
  last_error: nullable("string"),
  pending_since: nullable("string"),
  enqueue_failed_at: nullable("string"),
  created_at: str,
  updated_at: str,
  project: { type: "string", description: "the invoice's project (slug)" },
  destination_id: {
    type: ["string", "null"],
    description: "dst_…; null only on deliveries older than stored destinations, until the cron fills it",
  },
  held_since: {
    type: ["string", "null"],
    description: "waiting for its destination (open circuit, paused, disabled): not attempted, no retry used",
  },
};
const slug = { type: "string", description: "a CryptoCloud project's slug: default, or one of CRYPTOCLOUD_PROJECTS" };
const projectSummary = { checked: int, recovered: list(str), already_recorded: int, ignored: int, more: bool };

const destinationStats = obj({
  pending: int,
  waiting: int,
  delivered: int,
  failed: int,
  exhausted: int,
  canceled: int,
  last_success_at: nullable("string"),
  last_failure_at: nullable("string"),
  last_error: nullable("string"),
});

const schemas: Record<string, Schema> = {
  Problem: obj({ type: str, title: str, status: int, detail: str, code: str, request_id: str }),
  Invoice: obj({
    invoice_id: str,
    invoice_uuid: str,
    status: { enum: INVOICE_STATUS },
    amount_crypto: { type: "string", description: "exact decimal, never a float" },
    currency: str,
    order_id: nullable("string"),
    test_mode: nullable("boolean"),
    confirmed: bool,
    first_received_at: str,
    last_received_at: str,
    postback_count: int,
    source: { enum: ["postback", "reconciliation"] },
    project: slug,
    not_forwarded: { type: ["string", "null"], description: "why the event was not forwarded, e.g. test_mode" },
    detail: nullable("object"),
  }),
  InvoiceList: obj({ invoices: list(ref("Invoice")), next_cursor: nullable("string") }),
  Receipt: obj({
    id: int,
    received_at: str,
    content_type: str,
    api_version: int,
    status: str,
    amount_crypto: str,
    currency: str,
    order_id: nullable("string"),
    test_mode: nullable("boolean"),
    request_id: str,
  }),
  Receipts: obj({
    invoice_id: str,
    postbacks: list(ref("Receipt")),
    pruned: { type: "boolean", description: "older receipts of this invoice were pruned (RETENTION_DAYS)" },
  }),
  Attempt: obj({
    id: int,
    delivery_id: str,
    round: int,
    attempt: int,
    started_at: str,
    status_code: nullable("integer"),
    error_class: nullable("string"),
    latency_ms: int,
    response_body: { type: ["string", "null"], description: "the first 1 KB of the reply" },
  }),
  Delivery: obj(delivery),
  DeliveryWithAttempts: obj({ ...delivery, attempts: list(ref("Attempt")) }),
  DeliveryList: obj({ deliveries: list(ref("Delivery")), next_cursor: nullable("string") }),
  InvoiceDeliveries: obj({
    invoice_id: str,
    deliveries: list(ref("DeliveryWithAttempts")),
    pruned: {
      type: "boolean",
      description: "the invoice is older than RETENTION_DAYS: delivered deliveries and attempts may have been pruned",
    },
  }),
  Redelivered: obj({ invoice_id: str, deliveries: list(str) }),
  BulkRedelivered: obj({ state: str, since: str, count: int, canceled: int, more: bool }),
  Destination: obj({
    id: { type: "string", description: "dst_… (config ones: dst_cfg_ + a hash of the URL, the same on every deploy)" },
    url: str,
    description: nullable("string"),
    managed_by: { enum: ["config", "api"] },
    filter: obj({
      statuses: { type: ["array", "null"], items: { enum: ["paid", "overpaid", "partial"] } },
      test_mode: { enum: ["any", "live", "test"] },
      currencies: { type: ["array", "null"], items: str },
      projects: {
        type: ["array", "null"],
        items: str,
        description: "project slugs (CRYPTOCLOUD_PROJECTS; default for the single-project variables)",
      },
    }),
    state: { enum: ["active", "paused", "disabled"] },
    circuit: obj({
      state: { enum: ["closed", "open", "half_open"] },
      opened_at: nullable("string"),
      next_probe_at: nullable("string"),
      consecutive_failures: int,
    }),
    stats: destinationStats,
    created_at: str,
    updated_at: str,
  }),
  DestinationList: obj({ destinations: list(ref("Destination")) }),
  DestinationOne: obj({ destination: ref("Destination") }),
  DestinationCreated: obj({
    destination: ref("Destination"),
    secret: { type: "string", description: "whsec_…: shown here, on rotation and at /secret" },
  }),
  DestinationDeleted: obj({ deleted: str, canceled: int }),
  DestinationSecret: obj({ secret: str, previous_expires_at: nullable("string") }),
  DestinationTest: obj({ attempt: obj({ status_code: nullable("integer"), latency_ms: int, error: nullable("string") }) }),
  ReconcileSummary: obj(
    {
      ...projectSummary,
      projects: map(
        obj({ ...projectSummary, error: { type: ["string", "null"], description: "why this project stopped early" } }, ["more"]),
      ),
    },
    ["more"],
  ),
  Actor: obj({
    kind: { enum: ["access", "token"] },
    id: { type: "string", description: "the Access email or common name; api_token or api_read_token" },
  }),
  AuditEntry: obj({
    id: str,
    at: str,
    actor: ref("Actor"),
    action: { type: "string", description: "<noun>.<verb>: invoice.redeliver, deliveries.redeliver, reconcile.run, alert.test, …" },
    target: nullable("string"),
    request_id: str,
    summary: { type: "object", description: "what it did, as counts and ids; never a secret" },
  }),
  AuditList: obj({ entries: list(ref("AuditEntry")), next_cursor: nullable("string") }),
  Session: obj({ actor: ref("Actor"), scope: { enum: ["all", "read"] } }),
  ReportDay: obj({
    date: { type: "string", description: "YYYY-MM-DD, UTC: the invoices first received that day" },
    invoices: { type: "integer", description: "live invoices (test_mode not true)" },
    test_invoices: { type: "integer", description: "test-mode invoices, left out of every sum and outcome" },
    held_invoices: {
      type: "integer",
      description: "of invoices: held below paid (pending_confirmation, unconfirmed), left out of the sums",
    },
    by_currency: { ...map(str), description: 'currency → exact decimal sum of amount_crypto, canonical ("0.9134")' },
    amount_usd: {
      type: ["string", "null"],
      description: "exact sum of CryptoCloud's amount_usd over the invoices that have it; null when none has",
    },
    amount_usd_invoices: { type: "integer", description: "how many invoices amount_usd covers" },
    delivered: { type: "integer", description: "invoices whose every delivery reached its destination" },
    waiting: { type: "integer", description: "invoices with a delivery still pending, or held for confirmation" },
    exhausted: { type: "integer", description: "invoices with a delivery that gave up (retries exhausted, or 410 Gone)" },
  }),
  DailyReport: obj({ days: list(ref("ReportDay")) }),
  DigestQueued: obj({ date: str, alerts: list(str) }),
  AlertTest: obj({ results: list(obj({ destination: str, status: nullable("integer"), error: nullable("string") })) }),
  Health: obj({
    status: { enum: ["ok", "unhealthy"] },
    errors: list(str),
    warnings: list(str),
    problems: list(obj({ code: str, variable: str, affects: str })),
    storage: { enum: ["ok", "unavailable", "migrations_pending"] },
    forwarding: obj({ destinations: int, signing_secrets: int }),
    confirmation: { enum: ["api", "off"] },
    reconciliation: str,
    projects: list(obj({ slug, confirmation: { enum: ["api", "off"] }, reconciliation: str })),
    alerts: int,
    retention_days: int,
    audit_retention_days: int,
    access: { enum: ["on", "off"] },
    reject_test_mode: bool,
  }),
  Stats: obj({
    projects: list(slug),
    invoices_by_project: map(int),
    invoices_by_status: map(int),
    deliveries_by_state: map(int),
    confirmations_by_state: map(int),
    oldest_pending_delivery_age_seconds: { type: ["integer", "null"], description: "from when it became due (created or redelivered)" },
    deliveries_enqueue_failed: int,
    recorded_not_forwarded: {
      type: "integer",
      description:
        "current events with no delivery yet though nothing held them back (recorded while forwarding was misconfigured); the sweeper forwards them once it is fixed",
    },
    confirmation: obj({ waiting_over_an_hour: int, retries_exhausted: int, unconfirmed: int }),
    reconciliation: obj({
      configured: bool,
      enabled: bool,
      interval_minutes: int,
      last_run_at: nullable("string"),
      last_success_at: nullable("string"),
      last_error: nullable("string"),
      recovered_total: int,
      in_progress: bool,
      last_result: nullable("object"),
      projects: map(
        obj({
          enabled: bool,
          in_progress: bool,
          next_offset: nullable("integer"),
          pass_started_at: nullable("string"),
          last_pass_at: { type: ["string", "null"], description: "when a pass last listed the whole window" },
          last_run_at: nullable("string"),
          last_error: nullable("string"),
          consecutive_failures: int,
          recovered_total: int,
          last_result: nullable("object"),
        }),
      ),
    }),
    destinations: list(
      obj({
        id: str,
        managed_by: str,
        state: str,
        circuit: str,
        pending: int,
        waiting: int,
        delivered: int,
        failed: int,
        exhausted: int,
        canceled: int,
      }),
    ),
    alerts: obj({ destinations: int, sent: int, failed: int, pending: int, missed: int, summarized: int, last_error: nullable("string") }),
    tables: map(int),
    database_bytes: nullable("integer"),
    retention: obj({
      days: int,
      undelivered_days: int,
      last_prune_at: nullable("string"),
      last_prune: nullable("object"),
      removed_total: int,
    }),
  }),
};

const problem = { description: "application/problem+json", content: { "application/problem+json": { schema: ref("Problem") } } };
const json = (description: string, schema: string) => ({ description, content: { "application/json": { schema: ref(schema) } } });
const q = (name: string, description: string, required = false) => ({ name, in: "query", required, schema: str, description });
const path = (name: string, description: string) => ({ name, in: "path", required: true, schema: str, description });
const invoiceId = path("invoice_id", "With or without INV-");
// Any one of them: a bearer token (API_TOKEN, or API_READ_TOKEN for reads), or Cloudflare Access.
const bearer = [{ bearer: [] }, { accessJwt: [] }, { accessCookie: [] }];
const authed = { "400": problem, "401": problem, "429": problem, "500": problem, "503": problem };
/** A route that changes something: a read token is 403 (insufficient_scope) and the action is in GET /audit. */
const changes = { ...authed, "403": problem };
const securitySchemes = {
  bearer: { type: "http", scheme: "bearer", description: "API_TOKEN (everything) or API_READ_TOKEN (GET only)" },
  accessJwt: {
    type: "apiKey",
    in: "header",
    name: "Cf-Access-Jwt-Assertion",
    description: "Cloudflare Access (ACCESS_TEAM_DOMAIN, ACCESS_AUD)",
  },
  accessCookie: { type: "apiKey", in: "cookie", name: "CF_Authorization", description: "Cloudflare Access, in a browser" },
};
const dst = path("id", "dst_…");
const stateAction = (summary: string) => ({
  post: {
    summary,
    security: bearer,
    parameters: [dst],
    responses: { "200": json("Its state now", "DestinationOne"), "404": problem, ...changes },
  },
});

export const openapi = {
  openapi: "3.1.0",
  info: { title: "cryptocloud-postback", version: "2", description: "Receives CryptoCloud postbacks; read and admin API." },
  components: {
    securitySchemes,
    schemas: { ...schemas, ...webhookSchemas },
  },
  // The events the Worker sends (src/openapi-webhooks.ts): to FORWARD_URL, and generic ALERT_URL alerts.
  webhooks,
  paths: {
    "/postback": {
      post: {
        summary: "CryptoCloud's URL for notifications (form, multipart or JSON)",
        responses: {
          "200": { description: '{"message":"Postback received"}: recorded in D1 (also a duplicate)' },
          ...Object.fromEntries(["400", "401", "405", "409", "413", "415", "429", "500", "503"].map((s) => [s, problem])),
        },
      },
    },
    "/postback/{slug}": {
      post: {
        summary: "One project's URL for notifications: verified only against that project's SECRET KEYs",
        parameters: [path("slug", "the project's slug (default for the single-project variables)")],
        responses: {
          "200": { description: '{"message":"Postback received"}: recorded in D1 under this project' },
          ...Object.fromEntries(["400", "401", "404", "405", "409", "413", "415", "429", "500", "503"].map((s) => [s, problem])),
        },
      },
    },
    "/health": {
      get: {
        summary: "Configuration, storage and held money",
        responses: { "200": json("Healthy", "Health"), "503": json("Unhealthy", "Health") },
      },
    },
    "/openapi.json": { get: { summary: "This document (a static asset)", responses: { "200": { description: "OpenAPI 3.1" } } } },
    "/invoices": {
      get: {
        summary: "Invoices, newest first",
        security: bearer,
        parameters: [
          q("limit", "1 to 200, default 50"),
          q("cursor", "next_cursor of the previous page"),
          q("status", INVOICE_STATUS.join(" | ")),
          q("since", "ISO time: first received at or after"),
          q("order_id", "exact order id"),
          q("project", "a project's slug"),
        ],
        responses: { "200": json("A page", "InvoiceList"), ...authed },
      },
    },
    "/invoices/{invoice_id}": {
      get: {
        summary: "One invoice",
        security: bearer,
        parameters: [invoiceId],
        responses: { "200": json("The invoice", "Invoice"), "404": problem, ...authed },
      },
    },
    "/invoices/{invoice_id}/postbacks": {
      get: {
        summary: "The invoice's postback receipts, oldest first (never the token)",
        security: bearer,
        parameters: [invoiceId],
        responses: { "200": json("Receipts", "Receipts"), "404": problem, ...authed },
      },
    },
    "/invoices/{invoice_id}/deliveries": {
      get: {
        summary: "The invoice's deliveries with every attempt",
        security: bearer,
        parameters: [invoiceId],
        responses: { "200": json("Deliveries", "InvoiceDeliveries"), "404": problem, ...authed },
      },
    },
    "/invoices/{invoice_id}/redeliver": {
      post: {
        summary: "Deliver the current event again to every destination that exists and matches now, same webhook-id",
        security: bearer,
        parameters: [invoiceId],
        responses: { "202": json("Queued", "Redelivered"), "404": problem, "409": problem, ...changes },
      },
    },
    "/deliveries": {
      get: {
        summary: "Deliveries, newest first",
        security: bearer,
        parameters: [
          q("state", DELIVERY_STATE.join(" | ")),
          q("limit", "1 to 200"),
          q("cursor", "next_cursor"),
          q("project", "the invoice's project (slug)"),
        ],
        responses: { "200": json("A page", "DeliveryList"), ...authed },
      },
    },
    "/deliveries/{delivery_id}": {
      get: {
        summary: "One delivery with every attempt",
        security: bearer,
        parameters: [path("delivery_id", "dlv_…")],
        responses: { "200": json("The delivery", "DeliveryWithAttempts"), "404": problem, ...authed },
      },
    },
    "/deliveries/redeliver": {
      post: {
        summary:
          "Bulk replay after an outage, only to destinations that exist now (the rest become canceled, counted): at most 500 a call, oldest first; call again while more is true",
        security: bearer,
        parameters: [q("state", "exhausted (default) | failed | canceled"), q("since", "ISO time the deliveries reached the state", true)],
        responses: { "202": json("Queued", "BulkRedelivered"), "409": problem, ...changes },
      },
    },
    "/reconcile": {
      post: {
        summary: "Reconcile with CryptoCloud's invoice list now",
        security: bearer,
        parameters: [q("since", "YYYY-MM-DD, at most 31 days back (default: RECONCILE_LOOKBACK_DAYS)")],
        responses: {
          "200": json("Done", "ReconcileSummary"),
          "202": json("Stopped at the request bound; the cron continues", "ReconcileSummary"),
          "409": problem,
          "502": problem,
          ...changes,
        },
      },
    },
    "/alerts/test": {
      post: {
        summary: "Send a test alert to every ALERT_URL now",
        security: bearer,
        responses: { "200": json("Each URL's answer", "AlertTest"), "409": problem, ...changes },
      },
    },
    "/audit": {
      get: {
        summary: "The audit log: every operator action that changed something, newest first",
        security: bearer,
        parameters: [
          q("since", "ISO time: at or after"),
          q("action", "exact action, e.g. invoice.redeliver"),
          q("limit", "1 to 200, default 50"),
          q("cursor", "next_cursor of the previous page"),
        ],
        responses: { "200": json("A page", "AuditList"), ...authed },
      },
    },
    "/session": {
      get: {
        summary: "Who this request is signed in as (Access or a token) and what it may do; the page asks it first",
        security: bearer,
        responses: { "200": json("The session", "Session"), ...authed },
      },
    },
    "/alerts/digest": {
      post: {
        summary: "Queue today's report.daily digest so far (UTC) to every ALERT_URL, to try it",
        security: bearer,
        responses: { "202": json("Queued", "DigestQueued"), "409": problem, ...authed },
      },
    },
    "/reports/daily": {
      get: {
        summary: "Invoices, exact sums and delivery outcome per UTC day",
        security: bearer,
        parameters: [
          q("from", "YYYY-MM-DD (default: 29 days before to)"),
          q("to", "YYYY-MM-DD, included (default: today, UTC); at most 366 days in all"),
          q("project", "a project slug; today only default"),
        ],
        responses: { "200": json("One entry per day of the range, oldest first", "DailyReport"), ...authed },
      },
    },
    "/invoices.csv": {
      get: {
        summary: "The invoices of a range of UTC days as RFC 4180 CSV, oldest first, streamed (at most 100,000 rows)",
        security: bearer,
        parameters: [
          q("from", "YYYY-MM-DD (default: 29 days before to)"),
          q("to", "YYYY-MM-DD, included (default: today, UTC); at most 366 days"),
          q("project", "a project slug; today only default"),
          q("status", INVOICE_STATUS.join(" | ")),
        ],
        responses: {
          "200": {
            description:
              "A header row, then one row per invoice. Text starting with = + - @, a tab or CR is prefixed with ' and quoted (a spreadsheet formula otherwise)",
            content: { "text/csv": { schema: str } },
          },
          ...authed,
        },
      },
    },
    "/destinations": {
      get: {
        summary: "Every destination (config and API)",
        security: bearer,
        responses: { "200": json("Destinations", "DestinationList"), ...authed },
      },
      post: {
        summary: "Create an API destination {url, description?, filter?} (at most 20)",
        security: bearer,
        responses: { "201": json("Created, with its secret", "DestinationCreated"), "409": problem, ...changes },
      },
    },
    "/destinations/{id}": {
      get: {
        summary: "One destination",
        security: bearer,
        parameters: [dst],
        responses: { "200": json("It", "DestinationOne"), "404": problem, ...authed },
      },
      patch: {
        summary: "Edit an API destination {url?, description?, filter?}; 409 for a config one",
        security: bearer,
        parameters: [dst],
        responses: { "200": json("Edited", "DestinationOne"), "404": problem, "409": problem, ...changes },
      },
      delete: {
        summary: "Delete an API destination; its waiting deliveries become canceled; 409 for a config one",
        security: bearer,
        parameters: [dst],
        responses: { "200": json("Deleted", "DestinationDeleted"), "404": problem, "409": problem, ...changes },
      },
    },
    "/destinations/{id}/pause": stateAction("Hold new and waiting deliveries (still created, not attempted)"),
    "/destinations/{id}/resume": stateAction("Release every held delivery at once, each once (a disabled one's circuit closes)"),
    "/destinations/{id}/rotate-secret": {
      post: {
        summary: "New secret {expires_in_seconds?: default 86400, at most 604800}; until then events carry both signatures, new first",
        security: bearer,
        parameters: [dst],
        responses: { "200": json("The new secret", "DestinationSecret"), "404": problem, "409": problem, ...changes },
      },
    },
    "/destinations/{id}/secret": {
      get: {
        summary: "An API destination's current secret",
        security: bearer,
        parameters: [dst],
        responses: { "200": json("The secret", "DestinationSecret"), "404": problem, "409": problem, ...authed },
      },
    },
    "/destinations/{id}/test": {
      post: {
        summary: "Send a signed destination.test event now",
        security: bearer,
        parameters: [dst],
        responses: { "200": json("The attempt", "DestinationTest"), "404": problem, "409": problem, ...changes },
      },
    },
    "/stats": {
      get: {
        summary: "Counts, backlog, reconciliation, alerts, storage",
        security: bearer,
        responses: { "200": json("Stats", "Stats"), ...authed },
      },
    },
  },
};
