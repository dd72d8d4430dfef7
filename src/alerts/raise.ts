import { getConfig } from "../config";
import { redactUrl } from "../domain/alert";
import { log } from "../log";
import { dropSignals, pendingSignals } from "../store/alerts";
import { enqueue } from "../store/outbox";
import { throughCooldown } from "./cooldown";

const SIGNALS_PER_RUN = 50;

/**
 * The cron's alert step: every signal written since the last run goes through the cooldown, and the
 * alerts it lets through are queued. Each signal is logged (`alert.raised`), with or without ALERT_URL.
 */
export async function processAlertSignals(env: Env, now: Date): Promise<{ signals: number; alerts: number }> {
  const config = getConfig(env);
  const signals = await pendingSignals(env.DB, SIGNALS_PER_RUN);
  const urls = config.alerts.urls;
  let queued = 0;
  for (const signal of signals) {
    log("warn", "alert.raised", {
      kind: signal.kind,
      subject: signal.kind.startsWith("destination.") ? redactUrl(signal.subject) : signal.subject,
    });
    if (urls.length === 0) continue;
    const ids = await throughCooldown(env.DB, signal, urls, config.alerts.cooldownMinutes, now);
    await enqueue(env.DELIVERIES, "alert", ids);
    queued += ids.length;
  }
  const last = signals[signals.length - 1];
  if (urls.length === 0 && last) await dropSignals(env.DB, last.id);
  return { signals: signals.length, alerts: queued };
}
