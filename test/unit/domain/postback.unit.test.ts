import { describe, expect, it } from "vitest";
import { fieldsFromForm, fieldsFromJson, formPairs, type RawFields } from "../../../src/domain/fields";
import { JsonNumber } from "../../../src/domain/json";
import { normalizePostback } from "../../../src/domain/postback";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IkRaTEY0MjEyIn0.c2ln";
const base = (extra: Record<string, unknown> = {}): RawFields =>
  new Map(
    Object.entries({
      status: "success",
      invoice_id: "DZLF4212",
      amount_crypto: "0.4567",
      currency: "BTC",
      order_id: "ORD99999",
      token: TOKEN,
      ...extra,
    }),
  ) as RawFields;

const fieldOf = (f: RawFields) => {
  const r = normalizePostback(f);
  return r.ok ? null : r.error.code === "invalid_field" ? r.error.field : r.error.code;
};

describe("normalizePostback", () => {
  it("accepts the v1 fixture", () => {
    const r = normalizePostback(base());
    expect(r).toEqual({
      ok: true,
      value: {
        invoiceId: "DZLF4212",
        status: "paid",
        amountCrypto: "0.4567",
        currency: "BTC",
        orderId: "ORD99999",
        testMode: null,
        apiVersion: 1,
        token: TOKEN,
        projectHint: null,
      },
    });
  });

  it("strips the INV- prefix and upper-cases the invoice id", () => {
    const r = normalizePostback(base({ invoice_id: "INV-dzlf4212" }));
    expect(r.ok && r.value.invoiceId).toBe("DZLF4212");
  });

  it.each(["", "INV-", "has space", "a".repeat(65), "ünïcode", "abc/def"])("refuses invoice_id %j", (id) => {
    expect(fieldOf(base({ invoice_id: id }))).toBe("invoice_id");
  });

  it("refuses a missing invoice_id", () => {
    const f = base();
    f.delete("invoice_id");
    expect(fieldOf(f)).toBe("invoice_id");
  });

  it.each(["-1", "abc", "", "1e400", "NaN"])("refuses amount_crypto %j", (amount) => {
    expect(fieldOf(base({ amount_crypto: amount }))).toBe("amount_crypto");
  });

  it("takes a JSON number amount from its source text", () => {
    const r = normalizePostback(base({ amount_crypto: new JsonNumber("0.000000000000000001") }));
    expect(r.ok && r.value.amountCrypto).toBe("0.000000000000000001");
  });

  it.each(["btc", "", "US DT", "USDT-TRC20"])("refuses currency %j", (c) => {
    expect(fieldOf(base({ currency: c }))).toBe("currency");
  });

  it("accepts a currency it has never seen", () => {
    const r = normalizePostback(base({ currency: "NEWCOIN_L2" }));
    expect(r.ok && r.value.currency).toBe("NEWCOIN_L2");
  });

  it.each([[""], ["None"], [null]])("treats order_id %j as absent", (v) => {
    const r = normalizePostback(base({ order_id: v }));
    expect(r.ok && r.value.orderId).toBeNull();
  });

  it("keeps a unicode order_id exactly", () => {
    const r = normalizePostback(base({ order_id: "заказ-№7 🧾 ünï" }));
    expect(r.ok && r.value.orderId).toBe("заказ-№7 🧾 ünï");
  });

  it("refuses an order_id over 256 characters, counting code points", () => {
    expect(normalizePostback(base({ order_id: "🧾".repeat(256) })).ok).toBe(true);
    expect(fieldOf(base({ order_id: "🧾".repeat(257) }))).toBe("order_id");
  });

  it("refuses NUL and other control characters in order_id", () => {
    expect(fieldOf(base({ order_id: "A\u0000B" }))).toBe("order_id");
  });

  it("refuses a status other than success", () => {
    expect(fieldOf(base({ status: "fail" }))).toBe("status");
  });

  it("refuses a missing token", () => {
    const f = base();
    f.delete("token");
    expect(fieldOf(f)).toBe("token");
  });

  describe("v2 invoice_info", () => {
    const info = (o: Record<string, unknown>) => ({ uuid: "INV-DZLF4212", status: "overpaid", test_mode: true, ...o });

    it("reads status and test_mode from an object", () => {
      const r = normalizePostback(base({ invoice_info: info({}) }));
      expect(r.ok && [r.value.status, r.value.testMode, r.value.apiVersion]).toEqual(["overpaid", true, 2]);
    });

    it("reads it from a JSON string (form mode)", () => {
      const r = normalizePostback(base({ invoice_info: JSON.stringify(info({ status: "partial" })) }));
      expect(r.ok && r.value.status).toBe("partial");
    });

    it("refuses a uuid of another invoice", () => {
      expect(fieldOf(base({ invoice_info: info({ uuid: "INV-OTHER123" }) }))).toBe("invoice_info");
    });

    it.each(["created", "canceled", "success"])("refuses status %j", (status) => {
      expect(fieldOf(base({ invoice_info: info({ status }) }))).toBe("invoice_info");
    });

    it("refuses a string that is not JSON", () => {
      expect(fieldOf(base({ invoice_info: "{'uuid': 'INV-DZLF4212'}" }))).toBe("invoice_info");
    });
  });
});

describe("fieldsFromForm", () => {
  it("refuses a repeated key", () => {
    const r = fieldsFromForm(new URLSearchParams("amount_crypto=1&amount_crypto=1000"));
    expect(r.ok ? null : r.error).toEqual({ code: "invalid_field", field: "amount_crypto", reason: "the field is repeated" });
  });
});

describe("fieldsFromJson", () => {
  it.each(["[]", "1", '"x"', "null", "{", "{'a':1}"])("refuses %j", (body) => {
    expect(fieldsFromJson(body).ok).toBe(false);
  });

  it("names a repeated key when it is one of ours, and never echoes one the caller made up", () => {
    const ours = fieldsFromJson('{"amount_crypto":"1","amount_crypto":"999"}');
    expect(ours.ok ? null : ours.error).toEqual({ code: "invalid_field", field: "amount_crypto", reason: "the key is repeated" });
    const theirs = fieldsFromJson('{"<img src=x>":1,"<img src=x>":2}');
    expect(JSON.stringify(theirs)).not.toContain("<img");
  });
});

describe("formPairs", () => {
  it("decodes + and percent-escapes as URLSearchParams does", () => {
    expect(formPairs("a=1+2&b=%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7&c=&d")).toEqual({
      ok: true,
      value: [
        ["a", "1 2"],
        ["b", "заказ"],
        ["c", ""],
        ["d", ""],
      ],
    });
  });

  it.each(["order_id=A%FFB", "order_id=%E0%A4", "order_id=100%"])("refuses %s, which is not valid percent-encoded UTF-8", (body) => {
    expect(formPairs(body)).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });
});
