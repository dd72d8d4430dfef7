import { describe, expect, it } from "vitest";
import { MAX_SIGN_IN_SHED, noteSignInFailure, signInShed, signInShedCount } from "../../../src/http/sign-in-limit";

/** A limiter that says "over" (every failure sheds its IP), and one that says "under". */
const env = (success: boolean) => ({ AUTH_FAILURE_LIMITER: { limit: async () => ({ success }) } }) as unknown as Env;

describe("the sign-in shed list", () => {
  it("sheds an IP once its failures go over AUTH_FAILURE_LIMITER, for a minute", async () => {
    const now = Date.now();
    expect(await noteSignInFailure(env(true), "203.0.113.7", now)).toBe(false);
    expect(signInShed("203.0.113.7", now)).toBe(false);
    expect(await noteSignInFailure(env(false), "203.0.113.7", now)).toBe(true);
    expect(signInShed("203.0.113.7", now + 1000)).toBe(true);
    expect(signInShed("203.0.113.7", now + 61_000)).toBe(false);
  });

  it("never holds more than its cap, however many IPs flood it", async () => {
    const now = Date.now();
    for (let i = 0; i < MAX_SIGN_IN_SHED + 300; i++) await noteSignInFailure(env(false), `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, now);
    expect(signInShedCount()).toBeLessThanOrEqual(MAX_SIGN_IN_SHED);
    const newest = MAX_SIGN_IN_SHED + 299;
    expect(signInShed(`10.0.${(newest >> 8) & 255}.${newest & 255}`, now)).toBe(true);
  });
});
