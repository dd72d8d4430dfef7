import { log } from "../log";
import { sweepOverdue } from "../store/deliveries";
import { enqueueDeliveries } from "../store/outbox";
import { projectInvoice, unprojectedInvoices } from "../store/projection";

/** A delivery this late past its due time has lost its queue message. */
export const SWEEP_GRACE_MS = 60_000;
const SWEEP_LIMIT = 500;
/** Projections younger than this are still being written by their own request. */
const PROJECTION_GRACE_MS = 30_000;

/** The cron safety net: lost enqueues and lost KV writes are repaired here, every minute. */
export async function sweep(env: Env, now: Date): Promise<{ requeued: number; reprojected: number }> {
  const ids = await sweepOverdue(env.DB, now, SWEEP_GRACE_MS, SWEEP_LIMIT);
  await enqueueDeliveries(env.DELIVERIES, ids);
  const stale = await unprojectedInvoices(env.DB, new Date(now.getTime() - PROJECTION_GRACE_MS), 100);
  for (const row of stale) await projectInvoice(env.INVOICES, env.DB, row);
  if (ids.length || stale.length) log("warn", "sweeper.repaired", { requeued: ids.length, reprojected: stale.length });
  return { requeued: ids.length, reprojected: stale.length };
}
