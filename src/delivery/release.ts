import { log } from "../log";
import { releaseHeld } from "../store/circuit";
import { enqueueDeliveries } from "../store/outbox";

/** Batches one release call moves before it leaves the rest to the cron (subrequest and CPU bounds). */
const RELEASE_BATCHES_PER_CALL = 10;

/**
 * Sends a destination's held deliveries at once, oldest first, in bounded batches through the queue.
 * Each row is claimed by one releaser (store/circuit.ts's releaseHeld), so each is sent once; what
 * is left after the bound is resumed by the cron.
 */
export async function releaseAll(env: Env, destinationId: string, now: Date): Promise<number> {
  let released = 0;
  for (let i = 0; i < RELEASE_BATCHES_PER_CALL; i++) {
    const ids = await releaseHeld(env.DB, destinationId, now);
    if (ids.length === 0) break;
    try {
      await enqueueDeliveries(env.DELIVERIES, env.DB, ids, now);
    } catch (e) {
      log("warn", "destination.release_enqueue_failed", {
        destination_id: destinationId,
        error: e instanceof Error ? e.message : String(e),
      });
    }
    released += ids.length;
  }
  if (released) log("info", "destination.released", { destination_id: destinationId, released });
  return released;
}
