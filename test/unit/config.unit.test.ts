import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_DELAYS, parseConfig } from "../../src/config";

const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const good = {
  CRYPTOCLOUD_SECRET_KEY: "s1",
  API_TOKEN: "token-token-token-1",
  FORWARD_URL: "https://shop.example/hook",
  FORWARD_SECRET: WHSEC,
};

describe("parseConfig", () => {
  it("accepts a complete configuration with no errors", () => {
    const c = parseConfig(good);
    expect(c.errors).toEqual([]);
    expect(c.forward.urls).toEqual(["https://shop.example/hook"]);
  });

  it("splits several secret keys on commas and whitespace", () => {
    expect(parseConfig({ ...good, CRYPTOCLOUD_SECRET_KEY: "a, b\nc d" }).projects[0]?.secretKeys).toEqual(["a", "b", "c", "d"]);
  });

  it("reports a missing SECRET KEY", () => {
    expect(parseConfig({ ...good, CRYPTOCLOUD_SECRET_KEY: "" }).errors[0]?.message).toMatch(/CRYPTOCLOUD_SECRET_KEY is not set/);
  });

  it("reports an API KEY pasted as the SECRET KEY", () => {
    const c = parseConfig({ ...good, CRYPTOCLOUD_SECRET_KEY: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6IjEyMyJ9.abc_DEF-1" });
    expect(c.errors.map((e) => e.message).join()).toMatch(/looks like the API KEY/);
  });

  it("fans out to several comma-separated FORWARD_URLs", () => {
    expect(parseConfig({ ...good, FORWARD_URL: "https://a.example/x, https://b.example/y" }).forward.urls).toHaveLength(2);
  });

  it("refuses a private FORWARD_URL and forwards nowhere", () => {
    const c = parseConfig({ ...good, FORWARD_URL: "http://10.0.0.5/hook" });
    expect(c.errors.map((e) => e.message).join()).toMatch(/FORWARD_URL/);
    expect(c.forward.urls).toEqual([]);
  });

  it("allows a private FORWARD_URL with FORWARD_ALLOW_PRIVATE=true", () => {
    const c = parseConfig({ ...good, FORWARD_URL: "http://127.0.0.1:9000/hook", FORWARD_ALLOW_PRIVATE: "true" });
    expect(c.errors).toEqual([]);
  });

  it("requires FORWARD_SECRET when FORWARD_URL is set", () => {
    expect(
      parseConfig({ ...good, FORWARD_SECRET: "" })
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/FORWARD_SECRET is not/);
  });

  it.each(["secret", "whsec_c2hvcnQ=", `whsec_${btoa("x".repeat(65))}`])("refuses FORWARD_SECRET %j", (s) => {
    expect(
      parseConfig({ ...good, FORWARD_SECRET: s })
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/FORWARD_SECRET must be/);
  });

  it("accepts several whitespace-separated FORWARD_SECRETs", () => {
    const second = `whsec_${btoa("y".repeat(32))}`;
    expect(parseConfig({ ...good, FORWARD_SECRET: `${WHSEC} ${second}` }).forward.secrets).toHaveLength(2);
  });

  it("defaults the retry schedule to at least 72 hours even at -10 % jitter", () => {
    const c = parseConfig(good);
    expect(c.forward.retryDelays).toEqual(DEFAULT_RETRY_DELAYS);
    const total = DEFAULT_RETRY_DELAYS.reduce((a, b) => a + b, 0);
    expect(total * 0.9).toBeGreaterThanOrEqual(72 * 3600);
  });

  it.each(["1,x", "-1", "50000", "", "1.5"])("treats FORWARD_RETRY_DELAYS %j as an error, never a silent default", (v) => {
    const c = parseConfig({ ...good, FORWARD_RETRY_DELAYS: v });
    if (v === "") expect(c.errors).toEqual([]);
    else expect(c.errors.map((e) => e.message).join()).toMatch(/FORWARD_RETRY_DELAYS/);
  });

  it.each(["abc", "0", "999999", "1.5"])("refuses FORWARD_TIMEOUT_MS %j", (v) => {
    expect(
      parseConfig({ ...good, FORWARD_TIMEOUT_MS: v })
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/FORWARD_TIMEOUT_MS/);
  });

  it("refuses a boolean that is not true or false", () => {
    expect(
      parseConfig({ ...good, REJECT_TEST_MODE: "yes" })
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/REJECT_TEST_MODE/);
  });

  it("warns, without failing, when API_TOKEN is missing", () => {
    const c = parseConfig({ ...good, API_TOKEN: "" });
    expect(c.errors).toEqual([]);
    expect(c.warnings.map((e) => e.message).join()).toMatch(/API_TOKEN/);
  });

  it("gives every problem a stable code, its variable and what it stops, so callers never match text", () => {
    const c = parseConfig({ ...good, FORWARD_URL: "ftp://x", RECONCILE_LOOKBACK_DAYS: "40" });
    expect(c.errors).toEqual([
      expect.objectContaining({ code: "invalid_url", variable: "FORWARD_URL", affects: "forwarding" }),
      expect.objectContaining({ code: "out_of_range", variable: "RECONCILE_LOOKBACK_DAYS", affects: "reconciliation" }),
    ]);
    expect(c.forward.usable).toBe(false);
  });

  it("never echoes a variable's value in a problem (they are shown by /health without auth)", () => {
    const c = parseConfig({ ...good, FORWARD_URL: "http://[fe80::1%25eth0]/", ALERT_URL: "https://user:pw@hooks.example/x" });
    const text = JSON.stringify(c.errors);
    expect(c.errors.length).toBe(2);
    expect(text).not.toContain("fe80");
    expect(text).not.toContain("pw@");
  });

  it("reads every multi-value variable with commas, whitespace or both", () => {
    const c = parseConfig({
      ...good,
      FORWARD_URL: "https://a.example/h, https://b.example/h\nhttps://c.example/h",
      CRYPTOCLOUD_PROJECT_ID: "1 2,3",
      FORWARD_RETRY_DELAYS: "5 60,300",
    });
    expect(c.forward.urls).toEqual(["https://a.example/h", "https://b.example/h", "https://c.example/h"]);
    expect(c.projects[0]?.projectIds).toEqual(["1", "2", "3"]);
    expect(c.forward.retryDelays).toEqual([5, 60, 300]);
  });

  it("reads ALERT_LANGUAGE and DIGEST_HOUR_UTC, and warns of a wrong one without turning alerts off", () => {
    expect(parseConfig({ ...good, ALERT_LANGUAGE: "RU", DIGEST_HOUR_UTC: "0" }).alerts).toMatchObject({ language: "ru", digestHourUtc: 0 });
    expect(parseConfig({ ...good, DIGEST_HOUR_UTC: "23" }).alerts.digestHourUtc).toBe(23);
    for (const [name, value] of [
      ["ALERT_LANGUAGE", "de"],
      ["DIGEST_HOUR_UTC", "24"],
      ["DIGEST_HOUR_UTC", "9am"],
    ] as const) {
      const c = parseConfig({ ...good, ALERT_URL: "https://hooks.slack.com/services/x", [name]: value });
      expect(c.errors).toEqual([]);
      expect(c.warnings.map((e) => e.variable)).toEqual([name]);
      expect(c.alerts).toMatchObject({ urls: ["https://hooks.slack.com/services/x"], language: "en", digestHourUtc: null });
    }
  });

  it("warns that a digest hour without ALERT_URL sends nothing", () => {
    expect(parseConfig({ ...good, DIGEST_HOUR_UTC: "8" }).warnings.map((w) => [w.variable, w.code])).toEqual([
      ["DIGEST_HOUR_UTC", "no_destination"],
    ]);
    expect(parseConfig({ ...good, DIGEST_HOUR_UTC: "8", ALERT_URL: "https://hooks.slack.com/services/x" }).warnings).toEqual([]);
  });

  it("defaults reconciliation, alerts and retention as documented", () => {
    const c = parseConfig(good);
    expect(c.reconcile).toEqual({ intervalMinutes: 10, lookbackDays: 2 });
    expect(c.alerts).toEqual({ urls: [], cooldownMinutes: 60, language: "en", digestHourUtc: null });
    expect(c.retentionDays).toBe(90);
  });

  it.each([
    ["RECONCILE_INTERVAL_MINUTES", "-1"],
    ["RECONCILE_LOOKBACK_DAYS", "0"],
    ["RECONCILE_LOOKBACK_DAYS", "32"],
    ["ALERT_COOLDOWN_MINUTES", "0"],
    ["RETENTION_DAYS", "x"],
  ])("refuses %s=%s", (name, value) => {
    expect(parseConfig({ ...good, [name]: value }).errors.map((e) => e.variable)).toEqual([name]);
  });

  it("keeps a misconfigured feature off rather than running it on a default", () => {
    expect(parseConfig({ ...good, RETENTION_DAYS: "ninety" }).retentionDays).toBe(0);
    expect(parseConfig({ ...good, RECONCILE_LOOKBACK_DAYS: "99" }).reconcile.intervalMinutes).toBe(0);
    expect(parseConfig({ ...good, ALERT_URL: "https://ops.example/a", ALERT_COOLDOWN_MINUTES: "0" }).alerts.urls).toEqual([]);
  });

  it("needs FORWARD_SECRET to sign a generic ALERT_URL, but not for Slack", () => {
    const without = { ...good, FORWARD_URL: "", FORWARD_SECRET: "" };
    expect(parseConfig({ ...without, ALERT_URL: "https://ops.example/alerts" }).errors.map((e) => e.affects)).toEqual(["alerts"]);
    expect(parseConfig({ ...without, ALERT_URL: "https://hooks.slack.com/services/T/B/X" }).errors).toEqual([]);
  });

  it("turns Access on only with both ACCESS_TEAM_DOMAIN and ACCESS_AUD, several audiences allowed", () => {
    expect(parseConfig(good).access).toBeNull();
    const c = parseConfig({ ...good, ACCESS_TEAM_DOMAIN: "https://shop.cloudflareaccess.com/", ACCESS_AUD: "a1, a2" });
    expect(c.access).toEqual({ teamDomain: "https://shop.cloudflareaccess.com", audiences: ["a1", "a2"] });
    expect(c.errors).toEqual([]);
  });

  it("reports a plain-http team domain outside loopback as an error, and keeps Access off", () => {
    const c = parseConfig({ ...good, ACCESS_TEAM_DOMAIN: "http://shop.cloudflareaccess.com", ACCESS_AUD: "a1" });
    expect(c.access).toBeNull();
    expect(c.errors.map((e) => [e.code, e.variable])).toEqual([["invalid_access", "ACCESS_TEAM_DOMAIN"]]);
  });

  it("reads API_READ_TOKEN as a list, warns about a short one, and needs no API_TOKEN behind Access", () => {
    expect(parseConfig({ ...good, API_READ_TOKEN: "read-token-0000000001,read-token-0000000002" }).readTokens).toHaveLength(2);
    expect(parseConfig({ ...good, API_READ_TOKEN: "short" }).warnings.map((w) => w.variable)).toEqual(["API_READ_TOKEN"]);
    const access = { ACCESS_TEAM_DOMAIN: "https://shop.cloudflareaccess.com", ACCESS_AUD: "a1" };
    expect(parseConfig({ ...good, ...access, API_TOKEN: "" }).warnings).toEqual([]);
  });

  it("keeps audit entries 365 days by default, and AUDIT_RETENTION_DAYS apart from RETENTION_DAYS", () => {
    expect(parseConfig(good).auditRetentionDays).toBe(365);
    expect(parseConfig({ ...good, RETENTION_DAYS: "7", AUDIT_RETENTION_DAYS: "730" })).toMatchObject({
      retentionDays: 7,
      auditRetentionDays: 730,
    });
    expect(parseConfig({ ...good, AUDIT_RETENTION_DAYS: "forever" }).auditRetentionDays).toBe(0);
  });
});
