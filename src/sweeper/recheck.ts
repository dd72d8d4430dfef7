import { getConfig } from "../config";
import { log } from "../log";
import { rearmStuckConfirmations } from "../store/confirmations";
import { enqueue } from "../store/outbox";

/** How often a stuck confirmation is asked again, and for how long (28 × 6 h = one week). */
export const RECHECK_EVERY_MS = 6 * 3600_000;
export const MAX_RECHECKS = 28;
const RECHECK_LIMIT = 50;

/**
 * Confirmations whose retries ran out (the API was down for days) or that ended `unconfirmed` are
 * asked again on a slow schedule, a bounded number per run, so no payment stays held for ever
 * because of an outage. Reconciliation upgrades them too when it lists them as paid.
 */
export async function recheckConfirmations(env: Env, now: Date): Promise<number> {
  if (!getConfig(env).projects.some((p) => p.apiKey)) return 0;
  const ids = await rearmStuckConfirmations(env.DB, now, { everyMs: RECHECK_EVERY_MS, maxRechecks: MAX_RECHECKS, limit: RECHECK_LIMIT });
  await enqueue(env.DELIVERIES, "confirmation", ids);
  if (ids.length) log("info", "confirmation.recheck", { count: ids.length });
  return ids.length;
}
