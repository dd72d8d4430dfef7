import { BACKLOG_STALE_SECONDS } from "../domain/alert";
import { signalStatement } from "../store/alerts-signal";
import { pendingBacklog } from "../store/stats";

/** The cron's check: the oldest pending delivery over an hour old signals `backlog.stale` (the cooldown keeps it to one alert). */
export async function checkBacklog(env: Env, now: Date): Promise<boolean> {
  const { oldestSince, pending } = await pendingBacklog(env.DB);
  const age = oldestSince === null ? 0 : Math.round((now.getTime() - Date.parse(oldestSince)) / 1000);
  if (age <= BACKLOG_STALE_SECONDS) return false;
  await signalStatement(
    env.DB,
    { kind: "backlog.stale", subject: "deliveries", data: { oldest_pending_age_seconds: age, pending } },
    now,
  ).run();
  return true;
}
