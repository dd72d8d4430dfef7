import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../support/worker";

const health = async (overrides: Record<string, unknown> = {}) => {
  const res = await call(new Request("https://worker.test/health"), overrides);
  return { status: res.status, text: await res.clone().text(), body: (await res.json()) as Record<string, unknown> };
};

describe("GET /health", () => {
  it("answers 200 ok when nothing is wrong", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", errors: [], storage: "ok" });
  });

  it("names a broken variable and its problem, never its value (it needs no auth)", async () => {
    const { status, text, body } = await health({
      FORWARD_URL: "http://[fe80::1%25eth0]/internal-path",
      ALERT_URL: "https://hooks.slack.com/services/T0/B0/secret-token-value",
      ALERT_COOLDOWN_MINUTES: "-3",
    });
    expect(status).toBe(503);
    expect(body.problems).toEqual([
      { code: "invalid_url", variable: "FORWARD_URL", affects: "forwarding" },
      { code: "out_of_range", variable: "ALERT_COOLDOWN_MINUTES", affects: "alerts" },
    ]);
    expect(text).not.toContain("fe80");
    expect(text).not.toContain("internal-path");
    expect(text).not.toContain("secret-token-value");
    expect(text).not.toContain("-3");
  });

  it("reports invoices waiting over an hour for confirmation, with CRYPTOCLOUD_API_KEY set", async () => {
    const old = new Date(Date.now() - 2 * 3600_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO invoices (invoice_id, status, status_rank, amount_crypto, currency, first_received_at, last_received_at, updated_at)
       VALUES ('HEALTHWAIT', 'pending_confirmation', 0, '1', 'BTC', ?1, ?1, ?1)`,
    )
      .bind(old)
      .run();
    const { status, body } = await health({ CRYPTOCLOUD_API_KEY: "k" });
    expect(status).toBe(503);
    expect(body.errors).toEqual([expect.stringMatching(/waited over an hour for confirmation/)]);
    await env.DB.prepare("DELETE FROM invoices WHERE invoice_id = 'HEALTHWAIT'").run();
  });

  it("refuses a plain-http Access team domain outside loopback as a configuration error, and says whether Access is on", async () => {
    const { status, body } = await health({ ACCESS_TEAM_DOMAIN: "http://team.example.com", ACCESS_AUD: "aud" });
    expect(status).toBe(503);
    expect(body).toMatchObject({
      access: "off",
      problems: [{ code: "invalid_access", variable: "ACCESS_TEAM_DOMAIN", affects: "read_api" }],
    });
    expect((await health({ ACCESS_TEAM_DOMAIN: "http://127.0.0.1:9", ACCESS_AUD: "aud" })).body).toMatchObject({
      status: "ok",
      access: "on",
    });
  });
});
