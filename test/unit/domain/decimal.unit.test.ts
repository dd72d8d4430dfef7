import { describe, expect, it } from "vitest";
import { normalizeDecimal } from "../../../src/domain/decimal";
import { fieldsFromJson } from "../../../src/domain/fields";
import { JsonNumber } from "../../../src/domain/json";

describe("normalizeDecimal", () => {
  it.each([
    ["0.4567", "0.4567"],
    ["100", "100"],
    ["100.0", "100"],
    ["00.50", "0.5"],
    ["0", "0"],
    ["0.000", "0"],
    ["0.123456789012345678", "0.123456789012345678"],
    ["1e-07", "0.0000001"],
    ["1.5E+3", "1500"],
    ["12345678901234567890.123456789012345678", "12345678901234567890.123456789012345678"],
  ])("keeps %s exactly as %s", (input, expected) => {
    expect(normalizeDecimal(input)).toBe(expected);
  });

  it.each(["-1", "-0", "+1", "1.", ".5", "", " 1", "1 ", "NaN", "Infinity", "0x10", "1e400", "1,5", "1e", "9".repeat(61)])(
    "refuses %j",
    (input) => {
      expect(normalizeDecimal(input)).toBeNull();
    },
  );
});

describe("JSON numbers", () => {
  it("keep their source text, so 18 decimals survive JSON.parse", () => {
    const r = fieldsFromJson('{"amount_crypto": 0.123456789012345678}');
    expect(r.ok && r.value.get("amount_crypto")).toEqual(new JsonNumber("0.123456789012345678"));
  });

  it("keep integers larger than 2^53 exactly", () => {
    const r = fieldsFromJson('{"amount_crypto": 123456789012345678901234567890}');
    expect(r.ok && (r.value.get("amount_crypto") as JsonNumber).source).toBe("123456789012345678901234567890");
  });
});
