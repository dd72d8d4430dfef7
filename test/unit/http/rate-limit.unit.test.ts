import { describe, expect, it } from "vitest";
import { isShed, MAX_SHED_ENTRIES, noteRefusal, shedCount } from "../../../src/http/rate-limit";

/** Limiters that always say "over": every refusal sheds its IP. */
const overLimit = { limit: async () => ({ success: false }) };
const env = { POSTBACK_FAILURE_LIMITER: overLimit } as unknown as Env;

describe("the shed list", () => {
  it("sheds an IP whose refusals go over the strict limit, for a minute", async () => {
    const now = Date.now();
    await noteRefusal(env, "203.0.113.1", now);
    expect(isShed("203.0.113.1", now + 1000)).toBe(true);
    expect(isShed("203.0.113.1", now + 61_000)).toBe(false);
  });

  it("never holds more than its cap, however many IPs flood it", async () => {
    const now = Date.now();
    for (let i = 0; i < MAX_SHED_ENTRIES + 500; i++) await noteRefusal(env, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, now);
    expect(shedCount()).toBeLessThanOrEqual(MAX_SHED_ENTRIES);
    const newest = MAX_SHED_ENTRIES + 499;
    expect(isShed(`10.0.${(newest >> 8) & 255}.${newest & 255}`, now)).toBe(true);
  });
});
