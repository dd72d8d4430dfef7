import { getConfig } from "../config";
import { log } from "../log";
import { cancelRemoved, disableLongOpen, overdueProbes, releasable } from "../store/circuit";
import { backfillStatement, REMOVAL_GRACE_MS, syncConfigStatements } from "../store/destinations";
import { enqueue } from "../store/outbox";
import { releaseAll } from "./release";

/** A probe this late has lost its queue message. */
const PROBE_GRACE_MS = 60_000;
const PER_RUN = 20;
const BACKFILL_PER_RUN = 1000;

/**
 * The destinations' net, every minute, bounded: FORWARD_URL kept in D1, old rows given their
 * destination, lost probe tickers restarted, unfinished releases resumed (a crash mid-release, a
 * resume), and circuits open for DISABLE_AFTER_HOURS disabled.
 */
export async function destinationsTick(env: Env, now: Date): Promise<{ released: number; probes: number; disabled: number }> {
  const config = getConfig(env);
  await env.DB.batch([
    ...syncConfigStatements(env.DB, config.forward.configDestinations, now.toISOString(), true),
    backfillStatement(env.DB, BACKFILL_PER_RUN),
  ]);
  const probes = await overdueProbes(env.DB, now, PROBE_GRACE_MS, PER_RUN);
  if (probes.length) await enqueue(env.DELIVERIES, "probe", probes);
  const disabled = await disableLongOpen(env.DB, now, config.forward.circuit.disableAfterHours, PER_RUN);
  const canceled = await cancelRemoved(env.DB, now, REMOVAL_GRACE_MS, BACKFILL_PER_RUN);
  let released = 0;
  for (const id of await releasable(env.DB, PER_RUN)) released += await releaseAll(env, id, now);
  if (probes.length || disabled.length || released || canceled)
    log("info", "destinations.tick", { probes: probes.length, disabled, released, canceled });
  return { released, probes: probes.length, disabled: disabled.length };
}
