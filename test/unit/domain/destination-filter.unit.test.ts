import { describe, expect, it } from "vitest";
import { filterMatches, parseFilter } from "../../../src/domain/destination-filter";
import { configDestinationId } from "../../../src/domain/destination-id";

const invoice = { status: "paid", testMode: 0, currency: "USDT_TRC20", project: "default" };

describe("parseFilter", () => {
  it("accepts every part, normalizing currencies to upper case", () => {
    expect(parseFilter({ statuses: ["paid"], test_mode: "live", currencies: ["btc"], projects: ["shop-1"] })).toEqual({
      ok: true,
      value: { statuses: ["paid"], test_mode: "live", currencies: ["BTC"], projects: ["shop-1"] },
    });
    expect(parseFilter(undefined)).toEqual({ ok: true, value: {} });
  });

  it.each([
    [{ status: ["paid"] }, "filter.status"],
    [{ statuses: ["refunded"] }, "filter.statuses"],
    [{ statuses: "paid" }, "filter.statuses"],
    [{ test_mode: "yes" }, "filter.test_mode"],
    [{ currencies: ["BTC;DROP"] }, "filter.currencies"],
    [{ projects: ["Shop"] }, "filter.projects"],
    [{ projects: ["a".repeat(33)] }, "filter.projects"],
    [[], "filter"],
  ])("refuses %j naming %s", (raw, field) => {
    expect(parseFilter(raw)).toMatchObject({ ok: false, error: { field } });
  });
});

describe("filterMatches", () => {
  it.each([
    [{}, true],
    [{ statuses: ["overpaid"] }, false],
    [{ statuses: ["paid", "partial"] }, true],
    [{ test_mode: "test" as const }, false],
    [{ test_mode: "live" as const }, true],
    [{ currencies: ["USDT_TRC20"] }, true],
    [{ currencies: ["BTC"] }, false],
    [{ projects: ["default"] }, true],
    [{ projects: ["other"] }, false],
  ])("%j → %s", (filter, expected) => {
    expect(filterMatches(filter, invoice)).toBe(expected);
  });
});

describe("configDestinationId", () => {
  it("is stable for a URL and differs between URLs", () => {
    expect(configDestinationId("https://a.example/h")).toBe(configDestinationId("https://a.example/h"));
    expect(configDestinationId("https://a.example/h")).toMatch(/^dst_cfg_[0-9a-f]{16}$/);
    expect(configDestinationId("https://a.example/h")).not.toBe(configDestinationId("https://b.example/h"));
  });
});
