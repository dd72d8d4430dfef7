import { describe, expect, it } from "vitest";
import { planConfirmed, planPostback } from "../../../src/domain/plan";
import type { Postback } from "../../../src/domain/postback";

const NOW = new Date("2026-11-28T10:00:00.000Z");
const postback: Postback = {
  invoiceId: "DZLF4212",
  status: "paid",
  amountCrypto: "0.4567",
  currency: "BTC",
  orderId: "ORD99999",
  testMode: null,
  apiVersion: 1,
  token: "t",
  projectHint: null,
};
const options = {
  confirmWithApi: false,
  rejectTestMode: false,
  configDestinations: [{ id: "dst_cfg_a", url: "https://a.example/h" }],
  contentType: "form",
  requestId: "r1",
  project: "shop-a",
};

describe("planPostback", () => {
  it("records the postback's status and forwards its event to every destination", () => {
    const plan = planPostback(postback, options, NOW);
    expect(plan).toMatchObject({
      status: "paid",
      statusRank: 2,
      confirm: false,
      notForwarded: null,
      forward: true,
      configDestinations: options.configDestinations,
    });
    expect(plan.event?.id).toBe("evt_DZLF4212_paid");
    expect(JSON.parse(plan.event?.payload ?? "{}")).toEqual({
      type: "invoice.paid",
      timestamp: NOW.toISOString(),
      data: {
        invoice_id: "DZLF4212",
        invoice_uuid: "INV-DZLF4212",
        order_id: "ORD99999",
        status: "paid",
        amount_crypto: "0.4567",
        currency: "BTC",
        test_mode: null,
        confirmed: false,
        received_at: NOW.toISOString(),
        project: "shop-a",
      },
    });
  });

  it("holds the invoice for confirmation: no event, nothing forwarded, a confirmation armed", () => {
    const plan = planPostback(postback, { ...options, confirmWithApi: true }, NOW);
    expect(plan).toMatchObject({ status: "pending_confirmation", statusRank: 0, event: null, forward: false, confirm: true });
  });

  it("keeps a test invoice's event from every destination under REJECT_TEST_MODE, and says why", () => {
    const plan = planPostback({ ...postback, testMode: true }, { ...options, rejectTestMode: true }, NOW);
    expect(plan).toMatchObject({ forward: false, notForwarded: "test_mode", testMode: 1 });
    expect(plan.event).not.toBeNull();
  });
});

describe("planConfirmed", () => {
  const paid = {
    status: "partial" as const,
    amountCrypto: "40.5",
    amount: "100",
    received: "40.5",
    amountUsd: "40.5",
    currency: "USDT_TRC20",
    orderId: "ORD1",
    testMode: false,
  };

  it("takes the API's values and keeps the postback's beside them", () => {
    const asserted = { amountCrypto: "100", currency: "USDT_TRC20", orderId: "ORD1" };
    const plan = planConfirmed(
      "X1",
      { ...paid, mismatches: ["amount_crypto"] },
      asserted,
      { rejectTestMode: false, configDestinations: null, source: "postback", project: "shop-a" },
      NOW,
    );
    expect(plan).toMatchObject({ status: "partial", amountCrypto: "40.5", forward: true });
    expect(JSON.parse(plan.detailJson)).toEqual({
      confirmation: { state: "confirmed", at: NOW.toISOString(), by: "api" },
      api: { amount: "100", received: "40.5", amount_usd: "40.5" },
      postback: { amount_crypto: "100", currency: "USDT_TRC20", order_id: "ORD1" },
      mismatches: ["amount_crypto"],
    });
    expect(JSON.parse(plan.event.payload).data).toMatchObject({ confirmed: true, amount_crypto: "40.5" });
  });

  it("records a recovered invoice with no postback to compare", () => {
    const plan = planConfirmed(
      "X1",
      paid,
      null,
      { rejectTestMode: false, configDestinations: null, source: "reconciliation", project: "shop-a" },
      NOW,
    );
    expect(JSON.parse(plan.detailJson)).toEqual({
      confirmation: { state: "confirmed", at: NOW.toISOString(), by: "reconciliation" },
      api: { amount: "100", received: "40.5", amount_usd: "40.5" },
    });
  });
});
