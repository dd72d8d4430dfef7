import { describe, expect, it } from "vitest";
import { interpretMerchantInfo } from "../../../src/domain/confirmation";

const claimed = { amountCrypto: "100.2", currency: "USDT_TRC20", orderId: "1111" };
const entry = (o: Record<string, unknown> = {}) => ({
  uuid: "INV-XXXXXXXX",
  amount: 100.2,
  amount_usd: 100.2,
  received: 100.2,
  status: "overpaid",
  invoice_status: "success",
  order_id: "1111",
  currency: { code: "USDT", fullcode: "USDT_TRC20" },
  test_mode: false,
  ...o,
});
const reply = (result: unknown) => JSON.stringify({ status: "success", result });
const interpret = (status: number, body: string) => interpretMerchantInfo(status, body, "XXXXXXXX", claimed);

describe("interpretMerchantInfo", () => {
  it("confirms the shared fixture's invoice with the API's status and values", () => {
    expect(interpret(200, reply([entry()]))).toEqual({
      kind: "confirmed",
      invoice: {
        status: "overpaid",
        amountCrypto: "100.2",
        currency: "USDT_TRC20",
        orderId: "1111",
        testMode: false,
        amount: "100.2",
        amountUsd: "100.2",
        received: "100.2",
        mismatches: [],
      },
    });
  });

  it("keeps the API's amount exact, even with 18 decimals", () => {
    const body = reply([entry({ received: 0 })]).replace('"amount":100.2', '"amount":0.123456789012345678');
    const r = interpret(200, body);
    expect(r.kind === "confirmed" && r.invoice.amountCrypto).toBe("0.123456789012345678");
  });

  it("lists every field where the postback disagreed", () => {
    const r = interpret(200, reply([entry({ received: 1, order_id: "other", currency: { code: "BTC", fullcode: "BTC" } })]));
    expect(r.kind === "confirmed" && r.invoice.mismatches).toEqual(["amount_crypto", "currency", "order_id"]);
  });

  it("takes the amount paid as `received` when positive, else `amount`, and keeps both", () => {
    const partial = interpret(200, reply([entry({ status: "partial", amount: 100.2, received: 40.5 })]));
    expect(partial.kind === "confirmed" && [partial.invoice.amountCrypto, partial.invoice.amount, partial.invoice.received]).toEqual([
      "40.5",
      "100.2",
      "40.5",
    ]);
    const none = interpret(200, reply([entry({ received: 0 })]));
    expect(none.kind === "confirmed" && none.invoice.amountCrypto).toBe("100.2");
  });

  it.each([
    ["a null amount", { amount: null }],
    ["a negative amount", { amount: "-5" }],
    ["an unreadable received", { received: "lots" }],
    ["a currency that is not a code", { currency: { code: "usdt<script>" } }],
    ["no currency", { currency: null }],
  ])("does not take an answer with %s as a confirmation", (_what, fields) => {
    expect(interpret(200, reply([entry(fields)]))).toEqual({ kind: "retry", reason: "invalid_answer" });
  });

  it.each(["created", "canceled"])("never confirms an invoice the API reports as %s", (status) => {
    expect(interpret(200, reply([entry({ status })]))).toEqual({ kind: "unconfirmed", reason: `status_${status}` });
  });

  it("treats an empty result as an unknown invoice", () => {
    expect(interpret(200, reply([]))).toEqual({ kind: "unconfirmed", reason: "unknown_invoice" });
  });

  it("ignores entries for other invoices", () => {
    expect(interpret(200, reply([entry({ uuid: "INV-OTHER000" })]))).toEqual({ kind: "unconfirmed", reason: "unknown_invoice" });
  });

  it.each([500, 502, 503])("retries on %i", (status) => {
    expect(interpret(status, "")).toEqual({ kind: "retry", reason: "http_5xx" });
  });

  it("retries on 429", () => {
    expect(interpret(429, "")).toEqual({ kind: "retry", reason: "rate_limited" });
  });

  it("retries a reply it cannot read", () => {
    expect(interpret(200, "<html>")).toEqual({ kind: "retry", reason: "unreadable_reply" });
  });

  it("calls 401 a configuration error", () => {
    expect(interpret(401, "")).toEqual({ kind: "unauthorized" });
  });

  it("calls the documented bad-key reply a configuration error", () => {
    expect(interpret(200, JSON.stringify({ status: "error", result: { authorization: "Unauthorized request." } }))).toEqual({
      kind: "unauthorized",
    });
  });
});
