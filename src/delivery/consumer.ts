import { getConfig } from "../config";
import { confirmInvoice } from "../confirm/consumer";
import { log } from "../log";
import { claimDelivery, markExhausted, recordAttempt } from "../store/deliveries";
import type { DeliveryMessage } from "../store/outbox";
import { attempt } from "./attempt";
import { decide, errorClass } from "./policy";
import { webhookHeaders } from "./sign";

export type { DeliveryMessage };

const CONFIG_RETRY_SECONDS = 300;

/**
 * Delivers each message's event once. Never acks a failed attempt: a failure is retried with
 * the scheduled delay; only success, 410, exhaustion, or "someone else holds it" ack.
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  await Promise.all(batch.messages.map((m) => handle(m, env)));
}

async function handle(message: Message<DeliveryMessage>, env: Env): Promise<void> {
  const body = message.body as Partial<Record<string, unknown>> | null;
  if (typeof body?.confirm_invoice === "string") return handleConfirmation(message, body.confirm_invoice, env);
  const config = getConfig(env);
  const id = body?.delivery_id;
  if (typeof id !== "string") {
    log("warn", "delivery.bad_message", { message_id: message.id });
    return message.ack();
  }
  try {
    if (!config.forward.usable) {
      log("error", "delivery.not_configured", { delivery_id: id });
      return message.retry({ delaySeconds: CONFIG_RETRY_SECONDS });
    }
    const now = new Date();
    const claimed = await claimDelivery(env.DB, id, now, config.forward.timeoutMs + 30_000);
    if (!claimed) {
      log("info", "delivery.skipped", { delivery_id: id, reason: "not due, held, or finished" });
      return message.ack();
    }
    const { delivery, payload } = claimed;
    const headers = await webhookHeaders(config.forward.secrets, delivery.event_id, now, payload);
    const result = await attempt(delivery.destination, headers, payload, config.forward.timeoutMs);
    const decision = decide(result.outcome, delivery.attempt_count, config.forward.retryDelays, new Date(), Math.random());
    await recordAttempt(
      env.DB,
      delivery,
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
    });
    if (decision.next === "retry") return message.retry({ delaySeconds: decision.delaySeconds });
    return message.ack();
  } catch (e) {
    // D1 down or a bug: retried in a minute (never acked); the sweeper recovers a lost message.
    log("error", "delivery.error", { delivery_id: id, error: e instanceof Error ? e.message : String(e) });
    message.retry({ delaySeconds: 60 });
  }
}

async function handleConfirmation(message: Message<DeliveryMessage>, invoiceId: string, env: Env): Promise<void> {
  try {
    const { retryAfter } = await confirmInvoice(invoiceId, env);
    if (retryAfter === null) message.ack();
    else message.retry({ delaySeconds: retryAfter });
  } catch (e) {
    log("error", "confirmation.error", { invoice_id: invoiceId, error: e instanceof Error ? e.message : String(e) });
    message.retry({ delaySeconds: 60 });
  }
}

/** Messages that reached the dead-letter queue: the queue gave up on them, so they are exhausted. */
export async function consumeDeadLetters(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  for (const m of batch.messages) {
    const id = (m.body as Partial<Record<string, unknown>> | null)?.delivery_id;
    if (typeof id === "string") {
      await markExhausted(env.DB, id, new Date());
      log("error", "delivery.dead_letter", { delivery_id: id });
    }
    m.ack();
  }
}
