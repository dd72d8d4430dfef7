import { log } from "../log";
import { enqueue, sweepOverdue } from "../store/outbox";
import { repairProjections } from "../store/projection";

/** A row this late past its due time has lost its queue message. */
export const SWEEP_GRACE_MS = 60_000;
const SWEEP_LIMIT = 500;
/** Projections younger than this are still being written by their own request. */
const PROJECTION_GRACE_MS = 10_000;
/**
 * KV writes a sweep may make: with reconciliation's own 300 (reconcile/run.ts) the cron stays under
 * Workers' 1,000 KV operations per invocation (reads are bulk: one per 100 keys).
 */
export const PROJECTION_LIMIT = 500;

/** The cron safety net: lost enqueues (deliveries, confirmations, alerts), lost KV writes and coalesced counters, every minute. */
export async function sweep(env: Env, now: Date): Promise<{ requeued: number; reprojected: number }> {
  let requeued = 0;
  const counts: Record<string, number> = {};
  for (const [table, kind] of [
    ["deliveries", "delivery"],
    ["confirmations", "confirmation"],
    ["alerts", "alert"],
  ] as const) {
    const ids = await sweepOverdue(env.DB, table, now, SWEEP_GRACE_MS, SWEEP_LIMIT);
    await enqueue(env.DELIVERIES, kind, ids);
    counts[table] = ids.length;
    requeued += ids.length;
  }
  const reprojected = await repairProjections(env.INVOICES, env.DB, new Date(now.getTime() - PROJECTION_GRACE_MS), PROJECTION_LIMIT);
  if (requeued || reprojected) log("info", "sweeper.repaired", { ...counts, reprojected });
  return { requeued, reprojected };
}
