import { signingSecrets } from "../auth/destination-secret";
import { webhookHeaders } from "../auth/sign-webhook";
import type { Config } from "../config";
import { type Circuit, circuitAfter } from "../domain/circuit";
import { attemptOutcome } from "../domain/delivery-outcome";
import { checkDestination } from "../domain/destination";
import { type AttemptOutcome, decide, errorClass, reachOf } from "../domain/retry";
import { log } from "../log";
import { postOnce } from "../net/post";
import { recordAttempt } from "../store/attempts";
import type { DestinationRow } from "../store/destinations";
import { type LeasedDelivery, unlease } from "../store/lease";
import { enqueue } from "../store/outbox";
import { releaseAll } from "./release";

export const circuitOf = (d: DestinationRow): Circuit => ({
  state: d.circuit_state,
  generation: d.circuit_generation,
  consecutiveFailures: d.consecutive_failures,
  openedAt: d.opened_at,
  nextProbeAt: d.next_probe_at,
});

/** What one attempt ended in, for the message: retry after `retryAfter`, or null to ack. */
export type AttemptEnd = { kind: "no_secret" } | { kind: "done"; retryAfter: number | null };

/**
 * Signs and sends one leased delivery (a normal attempt or its destination's probe), decides, records
 * behind the fences, then follows the circuit: opening it starts the probe ticker, closing it releases
 * every held delivery of the destination.
 */
export async function attemptLeased(env: Env, config: Config, leased: LeasedDelivery, probe: boolean, now: Date): Promise<AttemptEnd> {
  const { delivery, payload, destination } = leased;
  const key = config.forward.destinationSecretsKey;
  const secrets = await signingSecrets(destination, config.forward.usable ? config.forward.secrets : null, key, now);
  if (!secrets) {
    await unlease(env.DB, delivery);
    return { kind: "no_secret" };
  }
  // The SSRF guard at every attempt: a stored URL is checked again, as the rules are today.
  const allowed = checkDestination(destination.url, config.forward.allowPrivate);
  const headers = await webhookHeaders(secrets, delivery.event_id, now, payload);
  const result = allowed.ok
    ? await postOnce(destination.url, headers, payload, config.forward.timeoutMs)
    : { outcome: { kind: "network" } as AttemptOutcome, latencyMs: 0, responseBody: null };
  const at = new Date();
  const cls = allowed.ok ? errorClass(result.outcome) : "refused_url";
  const reach = reachOf(result.outcome);
  const delays = config.forward.retryDelays;
  const decision = decide(result.outcome, delivery.attempt_count - delivery.probes, delays, at, Math.random());
  const transition = circuitAfter(circuitOf(destination), reach, at, config.forward.circuit);
  const otherwiseReachable =
    destination.last_success_at !== null && destination.last_success_at >= (delivery.pending_since ?? delivery.created_at);
  const outcome = attemptOutcome(
    decision,
    delivery,
    leased.orderId,
    { probe, transition, otherwiseReachable, reach, waiting: leased.waiting, threshold: config.forward.circuit.failures },
    delays[delays.length - 1] ?? 300,
    at,
  );
  const recorded = await recordAttempt(
    env.DB,
    leased,
    {
      startedAt: now,
      statusCode: result.outcome.kind === "response" ? result.outcome.status : null,
      errorClass: cls,
      latencyMs: result.latencyMs,
      responseBody: result.responseBody,
    },
    outcome,
    {
      destinationId: destination.id,
      generation: destination.circuit_generation,
      probe,
      reach,
      failed: cls !== null,
      error: cls,
      transition,
    },
    config.forward.circuit,
    at,
  );
  log(decision.next === "delivered" ? "info" : "warn", "delivery.attempt", {
    delivery_id: delivery.id,
    destination_id: destination.id,
    event_id: delivery.event_id,
    attempt: delivery.attempt_count,
    round: delivery.round,
    probe,
    outcome: outcome.update.hold ? "held" : decision.next,
    status: result.outcome.kind === "response" ? result.outcome.status : result.outcome.kind,
    latency_ms: result.latencyMs,
    ...(recorded.applied ? {} : { fenced: true }),
    ...(recorded.opened ? { circuit: "opened" } : recorded.closed ? { circuit: "closed" } : {}),
  });
  if (recorded.opened) await enqueue(env.DELIVERIES, "probe", [destination.id], config.forward.circuit.probeSeconds);
  if (recorded.closed) await releaseAll(env, destination.id, at);
  // A fenced-out outcome belongs to an older lease: whoever holds the newer one owns the message now.
  if (!recorded.applied || outcome.update.hold || outcome.update.state !== "pending") return { kind: "done", retryAfter: null };
  return { kind: "done", retryAfter: Math.max(0, Math.round((Date.parse(outcome.update.nextAttemptAt) - at.getTime()) / 1000)) };
}
