import { getConfig } from "../config";
import { nextProbeAt, probeDue } from "../domain/circuit";
import { ACK, type Verdict } from "../domain/message";
import { log } from "../log";
import { getDestination, syncConfigStatements } from "../store/destinations";
import { leaseDelivery, leaseProbe } from "../store/lease";
import { attemptLeased, circuitOf } from "./attempt";

/** While forwarding is misconfigured (no signing secret for it), a delivery waits this long before it looks again. */
const CONFIG_RETRY_SECONDS = 300;

const leaseMs = (env: Env) => getConfig(env).forward.timeoutMs + 30_000;

/**
 * One attempt of one delivery. Never acks a failed attempt: a failure is retried with the scheduled
 * delay; only success, 410, exhaustion, a hold (its destination's circuit is open, or it is paused:
 * the release sends it), or "someone else holds it" ack. Throws on D1 errors (the dispatcher retries).
 */
export async function deliver(id: string, env: Env): Promise<Verdict> {
  const config = getConfig(env);
  const now = new Date();
  const sync = syncConfigStatements(env.DB, config.forward.configDestinations, now.toISOString());
  const lease = await leaseDelivery(env.DB, id, now, leaseMs(env), sync);
  if (lease.kind !== "leased") {
    log("info", `delivery.${lease.kind}`, { delivery_id: id });
    return ACK;
  }
  const end = await attemptLeased(env, config, lease.leased, false, now);
  if (end.kind === "no_secret") {
    log("error", "delivery.not_configured", { delivery_id: id, destination_id: lease.leased.destination.id });
    return { retryAfter: CONFIG_RETRY_SECONDS };
  }
  return { retryAfter: end.retryAfter };
}

/**
 * The probe ticker of one destination's open circuit. When the probe is due, one consumer claims it
 * (fenced on the circuit's generation) and attempts the oldest waiting delivery; the message comes
 * back at the next probe time. A duplicate ticker (a sweeper restart) finds the probe not due and ends.
 */
export async function probe(destinationId: string, env: Env): Promise<Verdict> {
  const config = getConfig(env);
  const now = new Date();
  const d = await getDestination(env.DB, destinationId);
  if (d?.state !== "active" || d.circuit_state === "closed") return ACK;
  const circuit = circuitOf(d);
  // Early (queue delays are not exact): come back when it is due.
  if (!probeDue(circuit, now))
    return { retryAfter: Math.max(1, Math.round((Date.parse(d.next_probe_at ?? "") - now.getTime()) / 1000)) || 1 };
  const next = nextProbeAt(d.opened_at ?? now.toISOString(), now, config.forward.circuit);
  const untilNext = Math.max(1, Math.round((Date.parse(next) - now.getTime()) / 1000));
  const { claimed, leased } = await leaseProbe(env.DB, d, next, now, leaseMs(env));
  if (!claimed) return ACK; // another probe message claimed this probe: it carries the ticker on
  if (!leased) {
    log("info", "destination.probe_idle", { destination_id: destinationId });
    return { retryAfter: untilNext };
  }
  const end = await attemptLeased(env, config, leased, true, now);
  if (end.kind === "no_secret") log("error", "delivery.not_configured", { delivery_id: leased.delivery.id, destination_id: destinationId });
  const after = await getDestination(env.DB, destinationId);
  return after && after.circuit_state !== "closed" && after.state === "active" ? { retryAfter: untilNext } : ACK;
}
