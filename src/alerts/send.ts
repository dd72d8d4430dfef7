import { webhookHeaders } from "../auth/sign-webhook";
import { getConfig } from "../config";
import { type AlertKind, alertBody, alertTarget, redactUrl } from "../domain/alert";
import type { AlertLanguage } from "../domain/alert-text";
import { ACK, type Verdict } from "../domain/message";
import { errorClass } from "../domain/retry";
import { log } from "../log";
import { postOnce } from "../net/post";
import { leaseAlert, recordAlertOutcome } from "../store/alerts";
import { parkIfChannelDown, summarizeMissed } from "../store/alerts-channel";
import { enqueue } from "../store/outbox";

/**
 * Quick retries first, then a backoff that keeps trying a channel that is down for about a day and
 * a half (137,070 s in all; each step within the queue's 12 h maximum). Meanwhile younger alerts to
 * that channel are parked, and one summary of them follows the first alert that gets through.
 */
export const ALERT_RETRY_DELAYS = [10, 60, 300, 900, 1800, 3600, 7200, 14400, 21600, 43200, 43200];
const ALERT_TIMEOUT_MS = 10_000;

/** The request for one alert to one URL: chat formats as they are, the generic one signed like events. */
export async function alertRequest(
  url: string,
  id: string,
  kind: AlertKind,
  data: Record<string, unknown>,
  suppressed: number,
  secrets: readonly string[],
  now: Date,
  lang: AlertLanguage = "en",
): Promise<{ headers: Record<string, string>; body: string }> {
  const body = alertBody(url, kind, data, suppressed, now, lang);
  const headers =
    alertTarget(url).format === "generic"
      ? await webhookHeaders(secrets, id, now, body)
      : { "content-type": "application/json", "user-agent": "cryptocloud-postback/1" };
  return { headers, body };
}

/** Sends one alert. A failing alert URL is retried, then counted in /stats; it never alerts about itself. */
export async function sendAlert(id: string, env: Env): Promise<Verdict> {
  const config = getConfig(env);
  const now = new Date();
  const alert = await leaseAlert(env.DB, id, now, ALERT_TIMEOUT_MS + 30_000);
  if (!alert) return ACK;
  if (alertTarget(alert.destination).format === "generic" && config.forward.secrets.length === 0) {
    // FORWARD_SECRET was removed since the alert was queued: never send a generic alert unsigned.
    await recordAlertOutcome(env.DB, alert, { sent: false, error: "no_signing_secret", retryInSeconds: null }, now);
    log("error", "alert.attempt", { alert_id: id, kind: alert.kind, outcome: "failed", error: "no_signing_secret" });
    return ACK;
  }
  if (await parkIfChannelDown(env.DB, alert, now)) {
    log("warn", "alert.attempt", { alert_id: id, kind: alert.kind, destination: redactUrl(alert.destination), outcome: "missed" });
    return ACK;
  }
  const data = JSON.parse(alert.data_json) as Record<string, unknown>;
  const { headers, body } = await alertRequest(
    alert.destination,
    alert.id,
    alert.kind,
    data,
    alert.suppressed,
    config.forward.secrets,
    now,
    config.alerts.language,
  );
  const result = await postOnce(alertTarget(alert.destination).url, headers, body, ALERT_TIMEOUT_MS);
  const error = errorClass(result.outcome);
  const sent = error === null;
  const retryInSeconds = sent ? null : (ALERT_RETRY_DELAYS[alert.attempt_count - 1] ?? null);
  await recordAlertOutcome(env.DB, alert, { sent, error, retryInSeconds }, new Date());
  if (sent) {
    const summary = await summarizeMissed(env.DB, alert.destination, new Date());
    if (summary) await enqueue(env.DELIVERIES, "alert", [summary]);
  }
  log(sent ? "info" : "warn", "alert.attempt", {
    alert_id: id,
    kind: alert.kind,
    destination: redactUrl(alert.destination),
    attempt: alert.attempt_count,
    outcome: sent ? "sent" : retryInSeconds === null ? "failed" : "retry",
    error,
  });
  return retryInSeconds === null ? ACK : { retryAfter: retryInSeconds };
}
