import { describe, expect, it } from "vitest";
import { duplicateKey, hasLoneSurrogate, JsonNumber, parseJsonExact } from "../../../src/domain/json";

describe("duplicateKey", () => {
  it.each([
    ['{"a":1,"b":2}', null],
    ['{"a":{"x":1},"b":{"x":2}}', null],
    ['{"a":[{"x":1},{"x":2}]}', null],
    ['{"a":"has \\"a\\": inside","b":1}', null],
    ['{"a":1,"a":2}', "a"],
    ['{"a":{"x":1,"x":2}}', "x"],
    ['{"a":[1,{"y":1,"y":1}]}', "y"],
    ['{"ab":1,"a\\u0062":2}', "ab"],
    ['{"a":",\\"a\\":","a":3}', "a"],
  ])("in %s finds %j", (text, key) => {
    expect(duplicateKey(text)).toBe(key);
  });
});

describe("hasLoneSurrogate", () => {
  it("finds a lone surrogate in a value or a key, nested", () => {
    expect(hasLoneSurrogate(parseJsonExact('{"a":"A\\udcffB"}'))).toBe(true);
    expect(hasLoneSurrogate(parseJsonExact('{"x":[{"\\ud800":1}]}'))).toBe(true);
  });

  it("accepts a real surrogate pair and exact numbers", () => {
    expect(hasLoneSurrogate(parseJsonExact('{"a":"\\ud83d\\ude00","n":1.5}'))).toBe(false);
    expect(hasLoneSurrogate({ n: new JsonNumber("1") })).toBe(false);
  });
});
