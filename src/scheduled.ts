import { checkBacklog } from "./alerts/backlog";
import { sendDailyDigest } from "./alerts/digest";
import { processAlertSignals } from "./alerts/raise";
import { getConfig } from "./config";
import { destinationsTick } from "./delivery/tick";
import { log } from "./log";
import { reconcile } from "./reconcile/run";
import { prune } from "./retention/prune";
import { forwardMissingEvents } from "./sweeper/forward-missing";
import { recheckConfirmations } from "./sweeper/recheck";
import { sweep } from "./sweeper/sweep";

/**
 * The cron (every minute): each job is bounded, and one failing does not stop the others. Alerts
 * go last, so the signals the other jobs raise this minute are sent this minute.
 */
const JOBS: [string, (env: Env, now: Date) => Promise<unknown>][] = [
  ["sweep", sweep],
  ["destinations", destinationsTick],
  ["forward_missing", forwardMissingEvents],
  ["confirmation_recheck", recheckConfirmations],
  ["reconcile", (env, now) => reconcile(env, getConfig(env), now, { force: false, since: null })],
  ["backlog", checkBacklog],
  ["retention", (env, now) => prune(env, now)],
  ["digest", sendDailyDigest],
  ["alerts", processAlertSignals],
];

export async function runScheduled(env: Env, now: Date): Promise<void> {
  for (const [name, job] of JOBS) {
    try {
      await job(env, now);
    } catch (e) {
      log("error", "cron.job_failed", { job: name, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
