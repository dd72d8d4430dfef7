import { getConfig } from "../config";
import { type DigestData, digestData, digestDue } from "../domain/digest";
import { buildReport } from "../domain/report";
import { oneDay } from "../domain/report-range";
import { log } from "../log";
import { claimDigest, digestClaimed } from "../store/digests";
import { enqueue } from "../store/outbox";
import { dailyGroups } from "../store/reports";
import { pendingBacklog } from "../store/stats";

/** One day's digest: the day's report (every project) and the deliveries pending now. */
export async function digestOf(db: D1Database, day: string, soFar: boolean): Promise<DigestData> {
  const range = oneDay(day);
  const [groups, backlog] = await Promise.all([dailyGroups(db, range, null), pendingBacklog(db)]);
  const [report] = buildReport(range, groups);
  if (!report) throw new Error(`no report for ${day}`);
  return digestData(report, backlog, soFar);
}

/**
 * The cron's digest step: from DIGEST_HOUR_UTC on, yesterday's digest goes to every ALERT_URL once.
 * Each minute after that costs one indexed read until the day's row exists.
 */
export async function sendDailyDigest(env: Env, now: Date): Promise<{ day: string; alerts: number } | null> {
  const config = getConfig(env);
  const day = digestDue(config.alerts.digestHourUtc, now);
  if (day === null || config.alerts.urls.length === 0 || (await digestClaimed(env.DB, day))) return null;
  const data = await digestOf(env.DB, day, false);
  const ids = await claimDigest(env.DB, config.alerts.urls, data, now);
  if (ids.length === 0) return null; // another isolate had the day
  await enqueue(env.DELIVERIES, "alert", ids);
  log("info", "digest.sent", { day, alerts: ids.length, invoices: data.invoices });
  return { day, alerts: ids.length };
}
