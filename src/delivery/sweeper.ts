import { log } from "../log";
import { sweepOverdueConfirmations } from "../store/confirmations";
import { sweepOverdue } from "../store/deliveries";
import { enqueueConfirmations, enqueueDeliveries } from "../store/outbox";
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
  const confirmations = await sweepOverdueConfirmations(env.DB, now, SWEEP_GRACE_MS, SWEEP_LIMIT);
  await enqueueConfirmations(env.DELIVERIES, confirmations);
  const stale = await unprojectedInvoices(env.DB, new Date(now.getTime() - PROJECTION_GRACE_MS), 100);
  for (const row of stale) await projectInvoice(env.INVOICES, env.DB, row);
  if (ids.length || stale.length || confirmations.length) {
    log("warn", "sweeper.repaired", { requeued: ids.length, confirmations: confirmations.length, reprojected: stale.length });
  }
  return { requeued: ids.length + confirmations.length, reprojected: stale.length };
}
