import type { AlertKind } from "../domain/alert";
import type { SignalRow } from "../store/alerts";
import { processSignal } from "../store/alerts-cooldown";

/**
 * What one incident is, for the cooldown: the (kind, subject) that gets one alert per window, the
 * next alert saying how many followed. An exhausted delivery is about its destination, not about
 * the delivery: 640 deliveries exhausted against one dead backend are one incident, one alert.
 */
export function cooldownSubject(signal: { kind: AlertKind; subject: string; data_json: string }): string {
  if (signal.kind !== "delivery.exhausted") return signal.subject;
  try {
    const destination = (JSON.parse(signal.data_json) as { destination?: unknown }).destination;
    return typeof destination === "string" && destination !== "" ? destination : signal.subject;
  } catch {
    return signal.subject;
  }
}

/** The cooldown step: one signal in, the ids of the alerts it lets through (one per ALERT_URL) out. */
export function throughCooldown(
  db: D1Database,
  signal: SignalRow,
  destinations: readonly string[],
  cooldownMinutes: number,
  now: Date,
): Promise<string[]> {
  return processSignal(db, signal, cooldownSubject(signal), destinations, cooldownMinutes * 60_000, now);
}
