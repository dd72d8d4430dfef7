// docs/receivers/events.d.ts is what merchants copy: it must be what `npm run types:events`
// (openapi-typescript over /openapi.json's webhooks) writes today, and it must type-check.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_TYPES_FILE, eventTypes } from "../../scripts/event-types.mjs";

describe("the committed event types", () => {
  it("are up to date with /openapi.json (run npm run types:events)", async () => {
    expect(readFileSync(EVENT_TYPES_FILE, "utf8")).toBe(await eventTypes());
  });

  it("type an event's amount as a string and its type as a literal", () => {
    const text = readFileSync(EVENT_TYPES_FILE, "utf8");
    expect(text).toMatch(/InvoicePaidEvent: \{\s*\/\*\* @constant \*\/\s*type: "invoice\.paid";/);
    expect(text).toMatch(/amount_crypto: string;/);
    expect(text).toContain("export type InvoiceEvent = InvoicePaidEvent | InvoiceOverpaidEvent | InvoicePartialEvent;");
  });
});
