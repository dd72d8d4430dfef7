/** Every alert kind: the `type` of a generic alert. Documented one by one in docs/alerts.md. */
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
const s = (v: unknown): string => (v === null || v === undefined ? "?" : String(v));

/** The one-line human summary of an alert. */
export function summarize(kind: AlertKind, data: Data): string {
  switch (kind) {
    case "delivery.exhausted":
      return `Payment notification for invoice ${s(data.invoice_id)} (order ${s(data.order_id)}) could not be delivered to ${s(data.destination)} after every retry; last error: ${s(data.last_error)}. Fix the backend, then redeliver.`;
    case "destination.gone":
      return `${s(data.destination)} answered 410 Gone for invoice ${s(data.invoice_id)}: deliveries of that event to it stopped.`;
    case "destination.failing":
      return `${s(data.destination)} failed ${s(data.consecutive_failures)} deliveries in a row (last error: ${s(data.last_error)}): its circuit is open, deliveries wait (no retries used) and one probe checks it.`;
    case "destination.recovered":
      return `${s(data.destination)} accepts deliveries again after ${Math.round(Number(data.open_seconds ?? 0) / 60)} minutes; ${s(data.released)} waiting deliveries released.`;
    case "destination.disabled":
      return `${s(data.destination)} was unreachable for DISABLE_AFTER_HOURS: it is disabled, its deliveries are held until an operator resumes it.`;
    case "confirmation.unauthorized":
      return "CryptoCloud's API refused CRYPTOCLOUD_API_KEY (401): payments wait for confirmation until the key is fixed.";
    case "reconciliation.recovered": {
      const ids = Array.isArray(data.invoice_ids) ? data.invoice_ids.join(", ") : "?";
      return `Reconciliation recorded paid invoice(s) whose postback never arrived: ${ids}.`;
    }
    case "reconciliation.failed":
      return `Reconciliation failed ${s(data.consecutive_failures)} runs in a row: ${s(data.last_error)}.`;
    case "backlog.stale":
      return `The oldest pending delivery has waited ${Math.round(Number(data.oldest_pending_age_seconds ?? 0) / 60)} minutes (${s(data.pending)} pending).`;
    case "test":
      return "Test alert from cryptocloud-postback: alerts reach this destination.";
  }
}

/**
 * The body of one alert for one destination. `suppressed` is how many alerts of the same kind and
 * subject the cooldown held back before this one. Generic alerts are signed by the caller.
 */
export function alertBody(entry: string, kind: AlertKind, data: Data, suppressed: number, now: Date): string {
  const more = suppressed > 0 ? ` (and ${suppressed} more)` : "";
  const line = `[cryptocloud-postback] ${kind}: ${summarize(kind, data)}${more}`;
  const { format, url } = alertTarget(entry);
  switch (format) {
    case "slack":
      return JSON.stringify({ text: line });
    case "discord":
      return JSON.stringify({ content: line.slice(0, 2000) });
    case "telegram":
      return JSON.stringify({ chat_id: new URL(url).searchParams.get("chat_id"), text: line.slice(0, 4096) });
    case "generic":
      return JSON.stringify({ type: kind, timestamp: now.toISOString(), data: { ...data, summary: summarize(kind, data), suppressed } });
  }
}
