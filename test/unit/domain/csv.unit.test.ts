import { describe, expect, it } from "vitest";
import { csvLine, numberField, textField } from "../../../src/domain/csv";

describe("textField", () => {
  it.each([
    ["=1+1", `"'=1+1"`],
    ["+1", `"'+1"`],
    ["-1", `"'-1"`],
    ["@x", `"'@x"`],
    ["\tx", `"'\tx"`],
    ["\rx", `"'\rx"`],
    ['=HYPERLINK("a")', `"'=HYPERLINK(""a"")"`],
  ])("neutralises %j, which a spreadsheet would run, as %s", (value, field) => {
    expect(textField(value)).toBe(field);
  });

  it.each([
    ["ORD-1", "ORD-1"],
    ["a,b", `"a,b"`],
    ['say "hi"', `"say ""hi"""`],
    ["two\nlines", `"two\nlines"`],
    ["", ""],
    [null, ""],
  ])("writes %j as %s (RFC 4180)", (value, field) => {
    expect(textField(value)).toBe(field);
  });
});

describe("numberField", () => {
  it("writes our own amounts, counts and times as they are", () => {
    expect(numberField("0.000000000000000001")).toBe("0.000000000000000001");
    expect(numberField(3)).toBe("3");
    expect(numberField(null)).toBe("");
  });
});

it("ends every line with CRLF", () => {
  expect(csvLine(["a", "b"])).toBe("a,b\r\n");
});
