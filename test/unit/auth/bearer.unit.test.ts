import { describe, expect, it } from "vitest";
import { bearerToken, secretsEqual } from "../../../src/auth/bearer";

describe("bearerToken", () => {
  it.each([
    ["Bearer abc123", "abc123"],
    ["bearer abc123", "abc123"],
    ["Bearer   abc123  ", "abc123"],
    ["Basic abc123", null],
    ["Bearer", null],
    ["Bearer a b", null],
    [null, null],
  ])("reads %j as %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe("secretsEqual", () => {
  it("is true only for the same secret, whatever the lengths", async () => {
    expect(await secretsEqual("test-api-token-0123456789", "test-api-token-0123456789")).toBe(true);
    expect(await secretsEqual("test-api-token-0123456789", "test-api-token-012345678")).toBe(false);
    expect(await secretsEqual("test-api-token-0123456789", "test-api-token-0123456789x")).toBe(false);
    expect(await secretsEqual("", "x")).toBe(false);
  });
});
