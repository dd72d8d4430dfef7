import { log } from "../log";
import { enqueueConfirmations, enqueueDeliveries, sweepOverdue } from "../store/outbox";
import { repairProjections } from "../store/projection";

/** A delivery this late past its due time has lost its queue message. */
export const SWEEP_GRACE_MS = 60_000;
const SWEEP_LIMIT = 500;
/** Projections younger than this are still being written by their own request. */
const PROJECTION_GRACE_MS = 10_000;
const PROJECTION_LIMIT = 200;

/** The cron safety net: lost enqueues, lost KV writes and coalesced counters are repaired here, every minute. */
export async function sweep(env: Env, now: Date): Promise<{ requeued: number; reprojected: number }> {
  const ids = await sweepOverdue(env.DB, "deliveries", now, SWEEP_GRACE_MS, SWEEP_LIMIT);
  await enqueueDeliveries(env.DELIVERIES, ids);
  const confirmations = await sweepOverdue(env.DB, "confirmations", now, SWEEP_GRACE_MS, SWEEP_LIMIT);
  await enqueueConfirmations(env.DELIVERIES, confirmations);
  const reprojected = await repairProjections(env.INVOICES, env.DB, new Date(now.getTime() - PROJECTION_GRACE_MS), PROJECTION_LIMIT);
  if (ids.length || reprojected || confirmations.length) {
    log("info", "sweeper.repaired", { requeued: ids.length, confirmations: confirmations.length, reprojected });
  }
  return { requeued: ids.length + confirmations.length, reprojected };
}
