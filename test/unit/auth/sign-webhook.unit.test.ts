import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signatureHeader, webhookHeaders } from "../../../src/auth/sign-webhook";
import { buildEvent } from "../../../src/domain/event";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER = `whsec_${btoa("o".repeat(32))}`;
const NOW = new Date();
const event = buildEvent(
  {
    invoice_id: "DZLF4212",
    invoice_uuid: "INV-DZLF4212",
    order_id: "ORD99999",
    status: "paid",
    amount_crypto: "0.123456789012345678",
    currency: "ETH",
    test_mode: null,
    confirmed: false,
    received_at: NOW.toISOString(),
    project: "default",
  },
  NOW,
);

describe("Standard Webhooks signing", () => {
  it("matches the specification's published test vector", async () => {
    // standard-webhooks' own test vector: secret, msg id, timestamp and body → this exact signature.
    const sig = await signatureHeader(
      ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(sig).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("is verified by the standardwebhooks library", async () => {
    const headers = await webhookHeaders([SECRET], event.id, NOW, event.payload);
    const verified = new Webhook(SECRET).verify(event.payload, headers) as { type: string; data: { amount_crypto: string } };
    expect(verified.type).toBe("invoice.paid");
    expect(verified.data.amount_crypto).toBe("0.123456789012345678");
  });

  it("signs with every secret during a rotation, and each verifies", async () => {
    const headers = await webhookHeaders([SECRET, OTHER], event.id, NOW, event.payload);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(() => new Webhook(SECRET).verify(event.payload, headers)).not.toThrow();
    expect(() => new Webhook(OTHER).verify(event.payload, headers)).not.toThrow();
  });

  it("fails verification when one byte of the body changes", async () => {
    const headers = await webhookHeaders([SECRET], event.id, NOW, event.payload);
    expect(() => new Webhook(SECRET).verify(event.payload.replace("0.1234", "9.1234"), headers)).toThrow();
  });

  it("uses the event id as the webhook-id: stable for (invoice, status)", () => {
    expect(event.id).toBe("evt_DZLF4212_paid");
  });
});
