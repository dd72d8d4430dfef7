import { describe, expect, it } from "vitest";
import { sumDecimals } from "../../../src/domain/decimal-sum";

describe("sumDecimals", () => {
  it.each([
    [[], "0"],
    [["0.1", "0.2"], "0.3"],
    [["0.000000000000000001", "1.999999999999999999"], "2"],
    [["0.123456789012345678", "0.876543210987654322"], "1"],
    [["1234567890123456789012345678901234567890", "1"], "1234567890123456789012345678901234567891"],
    [["0.5", "12", "0.25"], "12.75"],
    [["0.0000000000000000000001", "0"], "0.0000000000000000000001"],
    [["100", "0"], "100"],
  ])("adds %j exactly to %s", (values, total) => {
    expect(sumDecimals(values)).toBe(total);
  });

  it.each([["-1"], ["1e-7"], ["1.2.3"], [""], [" 1"], ["0x10"]])("refuses %s, which is not a plain non-negative decimal", (bad) => {
    expect(sumDecimals(["1", bad])).toBeNull();
  });
});
