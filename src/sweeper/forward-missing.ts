import { getConfig } from "../config";
import { log } from "../log";
import { anyDestination, syncConfigStatements } from "../store/destinations";
import { forwardCursor, forwardMissing, saveForwardCursor } from "../store/forward-missing";
import { enqueueDeliveries } from "../store/outbox";

/** Events looked at per cron run (each gets at most one delivery per destination). */
export const FORWARD_REPAIR_EVENTS = 200;
/** Events younger than this are still being written by their own request (or an isolate with the old config). */
export const FORWARD_REPAIR_GRACE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/**
 * The sweeper's forward repair: events recorded while forwarding was misconfigured (a bad
 * FORWARD_SECRET: postbacks got 200 and no deliveries) get their deliveries once it is usable.
 * It walks events once, in creation order, from a saved cursor: while forwarding has a config
 * error the cursor holds, so the events recorded meanwhile are reached when it is fixed. With no
 * destination at all (recording only, on purpose) the cursor moves on and nothing is sent later. It never
 * goes back past RETENTION_DAYS: older events' delivered deliveries may have been pruned, and an
 * event without deliveries there may well have been delivered.
 */
export async function forwardMissingEvents(
  env: Env,
  now: Date,
  { limit = FORWARD_REPAIR_EVENTS, graceMs = FORWARD_REPAIR_GRACE_MS } = {},
): Promise<number> {
  const config = getConfig(env);
  if (config.errors.some((e) => e.affects === "forwarding")) return 0;
  const upTo = new Date(now.getTime() - graceMs);
  const floor = config.retentionDays > 0 ? new Date(now.getTime() - config.retentionDays * DAY_MS).toISOString() : "";
  const saved = await forwardCursor(env.DB);
  const from = saved && saved.at >= floor ? saved : { at: floor, id: "" };
  const destinations = config.forward.configDestinations;
  // FORWARD_URL's destinations are brought up to date first: a URL fixed since the postback counts.
  if (!(await anyDestination(env.DB, syncConfigStatements(env.DB, destinations, now.toISOString()), destinations))) {
    await saveForwardCursor(env.DB, { at: upTo.toISOString(), id: "" });
    return 0;
  }
  const { ids, scanned } = await forwardMissing(env.DB, destinations, { from, upTo, limit, rejectTestMode: config.rejectTestMode }, now);
  if (ids.length) {
    log("warn", "sweeper.forwarded_missing", { deliveries: ids.length, scanned });
    await enqueueDeliveries(env.DELIVERIES, env.DB, ids, now);
  }
  return ids.length;
}
