import { describe, expect, it } from "vitest";
import { type AlertKind, alertBody, alertFormat, alertTarget, redactUrl, summarize } from "../../../src/domain/alert";

const NOW = new Date("2026-11-28T10:00:00Z");
const DATA = { invoice_id: "DZLF4212", order_id: "ORD1", destination: "https://shop.example/hook", last_error: "http_5xx" };

describe("alert formats", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/x", "slack"],
    ["https://discord.com/api/webhooks/1/abc", "discord"],
    ["https://api.telegram.org/bot123:abc/sendMessage?chat_id=42", "telegram"],
    ["https://ops.example/alerts", "generic"],
    ["https://discord.com/channels/1", "generic"],
    ["slack:https://chat.example/hooks/abc", "slack"],
    ["telegram:http://127.0.0.1:8081/bot1:a/sendMessage?chat_id=1", "telegram"],
  ])("sends %s as %s", (url, format) => {
    expect(alertFormat(url)).toBe(format);
  });

  it("strips a format prefix to find the URL", () => {
    expect(alertTarget("slack:https://chat.example/h")).toEqual({ format: "slack", url: "https://chat.example/h" });
    expect(alertTarget("https://x.example/a:b")).toEqual({ format: "generic", url: "https://x.example/a:b" });
  });

  it("never shows a chat webhook's secret path, and keeps a generic URL's path", () => {
    expect(redactUrl("https://hooks.slack.com/services/T0/B0/secret")).toBe("slack:https://hooks.slack.com/…");
    expect(redactUrl("https://api.telegram.org/bot123:secret/sendMessage?chat_id=1")).toBe("telegram:https://api.telegram.org/…");
    expect(redactUrl("https://ops.example/alerts?token=x")).toBe("https://ops.example/alerts");
  });

  it("builds a Slack message, a Discord message and a Telegram message with the chat id", () => {
    expect(JSON.parse(alertBody("https://hooks.slack.com/services/x", "destination.gone", DATA, 0, NOW))).toEqual({
      text: expect.stringContaining("destination.gone"),
    });
    expect(JSON.parse(alertBody("https://discord.com/api/webhooks/1/a", "destination.gone", DATA, 0, NOW))).toEqual({
      content: expect.stringContaining("410"),
      allowed_mentions: { parse: [] },
    });
    expect(JSON.parse(alertBody("https://api.telegram.org/bot1:a/sendMessage?chat_id=-100", "test", {}, 0, NOW))).toEqual({
      chat_id: "-100",
      text: expect.stringContaining("Test alert"),
      disable_web_page_preview: true,
      link_preview_options: { is_disabled: true },
    });
  });

  describe("hostile text in an order_id", () => {
    const HOSTILE = { ...DATA, order_id: "<!channel> <https://evil.example|click> @everyone & <@U123>" };
    const bodyFor = (url: string) => JSON.parse(alertBody(url, "delivery.exhausted", HOSTILE, 0, NOW));

    it("escapes it for Slack, so <!channel> and <url|text> stay text", () => {
      const { text } = bodyFor("https://hooks.slack.com/services/x");
      expect(text).toContain("&lt;!channel&gt; &lt;https://evil.example|click&gt; @everyone &amp; &lt;@U123&gt;");
      expect(text).not.toMatch(/[<>]/);
    });

    it("turns every Discord mention off, so @everyone pings nobody", () => {
      const body = bodyFor("https://discord.com/api/webhooks/1/a");
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.content).toContain("@everyone");
    });

    it("sends Telegram plain text (no parse_mode) with link previews off", () => {
      const body = bodyFor("https://api.telegram.org/bot1:a/sendMessage?chat_id=-100");
      expect(body).not.toHaveProperty("parse_mode");
      expect(body).toMatchObject({ disable_web_page_preview: true, link_preview_options: { is_disabled: true } });
      expect(body.text).toContain("<https://evil.example|click>");
    });
  });

  it("builds the generic payload like a Standard Webhooks event, with the summary and the suppressed count", () => {
    const body = JSON.parse(alertBody("https://ops.example/a", "delivery.exhausted", DATA, 12, NOW));
    expect(body).toEqual({
      type: "delivery.exhausted",
      timestamp: NOW.toISOString(),
      data: { ...DATA, summary: expect.stringContaining("DZLF4212"), suppressed: 12 },
    });
  });

  it("says how many alerts the cooldown held back", () => {
    expect(
      JSON.parse(alertBody("https://hooks.slack.com/services/x", "backlog.stale", { oldest_pending_age_seconds: 7200 }, 12, NOW)).text,
    ).toMatch(/\(and 12 more\)$/);
  });

  it.each([
    "delivery.exhausted",
    "destination.gone",
    "destination.failing",
    "destination.recovered",
    "confirmation.unauthorized",
    "reconciliation.recovered",
    "reconciliation.failed",
    "backlog.stale",
    "alerts.missed",
    "test",
  ] as AlertKind[])("has a one-line summary for %s", (kind) => {
    const line = summarize(kind, {
      ...DATA,
      invoice_ids: ["A", "B"],
      consecutive_failures: 5,
      oldest_pending_age_seconds: 3700,
      pending: 3,
    });
    expect(line.length).toBeGreaterThan(10);
    expect(line).not.toContain("\n");
  });
});
