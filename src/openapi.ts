// The read and admin API, described for humans and generators. A test checks that this and the
// app's routes match in both directions.
const bearer = [{ bearer: [] }];
const problem = {
  description: "Problem (application/problem+json)",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};
const json = (description: string, ref?: string) => ({
  description,
  content: { "application/json": { schema: ref ? { $ref: `#/components/schemas/${ref}` } : { type: "object" } } },
});
const q = (name: string, description: string) => ({ name, in: "query", required: false, schema: { type: "string" }, description });
const id = { name: "invoice_id", in: "path", required: true, schema: { type: "string" }, description: "With or without INV-" };
const errors = { "400": problem, "401": problem, "500": problem };

export const openapi = {
  openapi: "3.1.0",
  info: { title: "cryptocloud-postback", version: "1", description: "Receives CryptoCloud postbacks; read and admin API." },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API_TOKEN" } },
    schemas: {
      Problem: { type: "object", properties: { type: {}, title: {}, status: {}, detail: {}, code: {}, request_id: {} } },
      Invoice: {
        type: "object",
        properties: {
          invoice_id: {},
          invoice_uuid: {},
          status: { enum: ["paid", "overpaid", "partial", "pending_confirmation", "unconfirmed"] },
          amount_crypto: { type: "string", description: "exact decimal" },
          currency: {},
          order_id: {},
          test_mode: { type: ["boolean", "null"] },
          confirmed: { type: "boolean" },
          first_received_at: {},
          last_received_at: {},
          postback_count: {},
          detail: {},
        },
      },
    },
  },
  paths: {
    "/postback": {
      post: {
        summary: "CryptoCloud's URL for notifications (form, multipart or JSON)",
        responses: {
          "200": json("Recorded (also for a duplicate)"),
          "401": problem,
          "400": problem,
          "405": problem,
          "413": problem,
          "415": problem,
          "429": problem,
          "503": problem,
        },
      },
    },
    "/health": {
      get: { summary: "Configuration and storage health", responses: { "200": json("Healthy"), "503": json("Unhealthy, with reasons") } },
    },
    "/openapi.json": { get: { summary: "This document", responses: { "200": json("OpenAPI 3.1") } } },
    "/invoices": {
      get: {
        summary: "Invoices, newest first",
        security: bearer,
        parameters: [
          q("limit", "1 to 200, default 50"),
          q("cursor", "next_cursor of the previous page"),
          q("status", "a status"),
          q("since", "ISO time: first received at or after"),
        ],
        responses: { "200": json("{ invoices: Invoice[], next_cursor }"), ...errors },
      },
    },
    "/invoices/{invoice_id}": {
      get: {
        summary: "One invoice",
        security: bearer,
        parameters: [id],
        responses: { "200": json("The invoice", "Invoice"), "404": problem, ...errors },
      },
    },
    "/invoices/{invoice_id}/deliveries": {
      get: {
        summary: "The invoice's deliveries and their attempts",
        security: bearer,
        parameters: [id],
        responses: { "200": json("Deliveries"), ...errors },
      },
    },
    "/invoices/{invoice_id}/redeliver": {
      post: {
        summary: "Deliver the current event again, same webhook-id",
        security: bearer,
        parameters: [id],
        responses: { "202": json("Queued"), "404": problem, ...errors },
      },
    },
    "/deliveries": {
      get: {
        summary: "Deliveries by state",
        security: bearer,
        parameters: [q("state", "pending | delivered | failed | exhausted"), q("limit", "1 to 200"), q("cursor", "next_cursor")],
        responses: { "200": json("{ deliveries, next_cursor }"), ...errors },
      },
    },
    "/deliveries/redeliver": {
      post: {
        summary: "Bulk replay after an outage",
        security: bearer,
        parameters: [
          q("state", "exhausted (default) | failed"),
          { ...q("since", "ISO time the deliveries reached the state"), required: true },
        ],
        responses: { "202": json("{ state, since, count }"), ...errors },
      },
    },
    "/stats": {
      get: { summary: "Counts and the oldest pending delivery", security: bearer, responses: { "200": json("Stats"), ...errors } },
    },
  },
};
