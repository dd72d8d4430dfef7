import { type AlertLanguage, MORE, TEXTS } from "./alert-text";
import { digestText } from "./digest";

/** Every alert kind: the `type` of a generic alert. Documented one by one in the README's Alerts table. */
export type AlertKind =
  | "delivery.exhausted"
  | "destination.gone"
  | "destination.failing"
  | "destination.recovered"
  | "destination.disabled"
  | "confirmation.unauthorized"
  | "reconciliation.recovered"
  | "reconciliation.failed"
  | "backlog.stale"
  | "alerts.missed"
  | "report.daily"
  | "test";

export type AlertFormat = "slack" | "discord" | "telegram" | "generic";

/** Failed reconciliation runs in a row that alert. */
export const RECONCILE_FAILURES_ALERT = 3;
/** A pending delivery older than this is a stale backlog. */
export const BACKLOG_STALE_SECONDS = 3600;

const FORMATS: readonly AlertFormat[] = ["slack", "discord", "telegram", "generic"];

/**
 * One ALERT_URL entry: a URL, optionally prefixed with its format (`slack:https://chat.example/hooks/x`)
 * for Slack-compatible servers (Mattermost, Rocket.Chat) or a self-hosted Telegram Bot API. Without
 * a prefix the format follows the host.
 */
export function alertTarget(entry: string): { format: AlertFormat; url: string } {
  const m = /^([a-z]+):(https?:\/\/.*)$/i.exec(entry);
  const prefix = m?.[1]?.toLowerCase() as AlertFormat | undefined;
  if (m?.[2] && prefix && FORMATS.includes(prefix)) return { format: prefix, url: m[2] };
  return { format: formatByHost(entry), url: entry };
}

function formatByHost(url: string): AlertFormat {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "generic";
  }
  const host = u.hostname.toLowerCase();
  if (host === "hooks.slack.com") return "slack";
  if ((host === "discord.com" || host === "discordapp.com") && u.pathname.startsWith("/api/webhooks/")) return "discord";
  if (host === "api.telegram.org" && /^\/bot[^/]+\/sendMessage$/.test(u.pathname)) return "telegram";
  return "generic";
}

export const alertFormat = (entry: string): AlertFormat => alertTarget(entry).format;

/** A destination fit for logs, /stats and the page: chat webhooks carry their secret in the path. */
export function redactUrl(entry: string): string {
  const { format, url } = alertTarget(entry);
  try {
    const u = new URL(url);
    return `${format === "generic" ? "" : `${format}:`}${u.protocol}//${u.host}${format === "generic" ? u.pathname : "/…"}`;
  } catch {
    return "(invalid URL)";
  }
}

type Data = Record<string, unknown>;

/** The human summary of an alert in the language (see alert-text.ts); the daily digest has one line per sentence. */
export function summarize(kind: AlertKind, data: Data, lang: AlertLanguage = "en"): string {
  return kind === "report.daily" ? digestText(data, lang) : TEXTS[lang][kind](data, lang);
}

/** Slack reads `<…>` as links and mentions (`<!channel>`, `<https://x|click>`) and `&` as an entity start. */
const slackText = (text: string): string => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * The body of one alert for one destination. `suppressed` is how many alerts of the same kind and
 * subject the cooldown held back before this one. Generic alerts are signed by the caller.
 * Values in `data` come from postbacks (order_id is not covered by the token) and from answers of
 * other servers, so each chat format gets its text as plain text, never as markup: Slack escaped,
 * Discord with mentions off, Telegram without parse_mode and without link previews.
 */
export function alertBody(entry: string, kind: AlertKind, data: Data, suppressed: number, now: Date, lang: AlertLanguage = "en"): string {
  const more = suppressed > 0 ? MORE[lang](suppressed) : "";
  const project = typeof data.project === "string" ? ` [project ${data.project}]` : "";
  const line = `[cryptocloud-postback] ${kind}${project}: ${summarize(kind, data, lang)}${more}`;
  const { format, url } = alertTarget(entry);
  switch (format) {
    case "slack":
      return JSON.stringify({ text: slackText(line.slice(0, 3000)) });
    case "discord":
      return JSON.stringify({ content: line.slice(0, 2000), allowed_mentions: { parse: [] } });
    case "telegram":
      return JSON.stringify({
        chat_id: new URL(url).searchParams.get("chat_id"),
        text: line.slice(0, 4096),
        // Both spellings: Bot API 7.0 replaced the first with the second; older self-hosted servers read only the first.
        disable_web_page_preview: true,
        link_preview_options: { is_disabled: true },
      });
    case "generic":
      return JSON.stringify({
        type: kind,
        timestamp: now.toISOString(),
        data: { ...data, summary: summarize(kind, data, lang), suppressed },
      });
  }
}
