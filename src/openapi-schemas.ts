// The building blocks of the event schemas in /openapi.json (src/openapi-webhooks.ts,
// src/openapi-alerts.ts): one definition per field, so a field means the same in every event.

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (description: string, more: Schema = {}): Schema => ({ type: "string", description, ...more });
export const int = (description: string): Schema => ({ type: "integer", minimum: 0, description });
export const ISO = str("ISO 8601 UTC, milliseconds", { format: "date-time" });
/** Canonical exact decimals, as the Worker writes them: "0.4567", "100", "0.0000001"; never a number. */
export const DECIMAL = str("exact decimal string: parse with a decimal library, never as a float", {
  pattern: "^(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?$",
});
export const INVOICE_ID = str("CryptoCloud's invoice id, upper case, without INV-", { pattern: "^[A-Z0-9_-]{1,64}$" });

/** The Standard Webhooks envelope every event shares; `type` is fixed per event. */
export const envelope = (type: string, data: Schema): Schema => ({
  type: "object",
  properties: { type: { const: type }, timestamp: ISO, data },
  required: ["type", "timestamp", "data"],
  additionalProperties: false,
});

export interface EventEntry {
  type: string;
  schema: string; // its name under components.schemas
  summary: string;
  body: Schema;
  example: unknown;
  id: string; // what webhook-id looks like
}
