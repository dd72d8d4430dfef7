import { webhookHeaders } from "../auth/sign-webhook";
import { getConfig } from "../config";
import { ACK, type Verdict } from "../domain/message";
import { decide, errorClass } from "../domain/retry";
import { log } from "../log";
import { postOnce } from "../net/post";
import { leaseDelivery, recordAttempt } from "../store/attempts";

/** While forwarding is misconfigured, a delivery waits this long before it looks again. */
const CONFIG_RETRY_SECONDS = 300;

/**
 * One attempt of one delivery. Never acks a failed attempt: a failure is retried with the scheduled
 * delay; only success, 410, exhaustion, or "someone else holds it" ack. Throws on D1 errors (the
 * dispatcher retries the message).
 */
export async function deliver(id: string, env: Env): Promise<Verdict> {
  const config = getConfig(env);
  if (!config.forward.usable) {
    log("error", "delivery.not_configured", { delivery_id: id });
    return { retryAfter: CONFIG_RETRY_SECONDS };
  }
  const now = new Date();
  const leased = await leaseDelivery(env.DB, id, now, config.forward.timeoutMs + 30_000);
  if (!leased) {
    log("info", "delivery.skipped", { delivery_id: id, reason: "not due, held, or finished" });
    return ACK;
  }
  const { delivery, payload } = leased;
  const headers = await webhookHeaders(config.forward.secrets, delivery.event_id, now, payload);
  const result = await postOnce(delivery.destination, headers, payload, config.forward.timeoutMs);
  const decision = decide(result.outcome, delivery.attempt_count, config.forward.retryDelays, new Date(), Math.random());
  const { applied } = await recordAttempt(
    env.DB,
    leased,
    {
      startedAt: now,
      statusCode: result.outcome.kind === "response" ? result.outcome.status : null,
      errorClass: errorClass(result.outcome),
      latencyMs: result.latencyMs,
      responseBody: result.responseBody,
    },
    decision,
    new Date(),
  );
  log(decision.next === "delivered" ? "info" : "warn", "delivery.attempt", {
    delivery_id: id,
    event_id: delivery.event_id,
    attempt: delivery.attempt_count,
    round: delivery.round,
    outcome: decision.next,
    status: result.outcome.kind === "response" ? result.outcome.status : result.outcome.kind,
    latency_ms: result.latencyMs,
    ...(decision.next === "retry" ? { delay_s: decision.delaySeconds } : {}),
    ...(applied ? {} : { fenced: true }),
  });
  // A fenced-out outcome belongs to an older lease: whoever holds the newer one owns the message now.
  if (!applied) return ACK;
  return decision.next === "retry" ? { retryAfter: decision.delaySeconds } : ACK;
}
