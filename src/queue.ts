import { sendAlert } from "./alerts/send";
import { getConfig } from "./config";
import { confirmInvoice } from "./confirm/consumer";
import { deliver, probe } from "./delivery/consumer";
import { parseQueueMessage, type QueueMessage, type Verdict } from "./domain/message";
import { log } from "./log";
import { markExhausted } from "./store/attempts";
import { markDeadLettered } from "./store/outbox";

/** After an unexpected error (D1 down, a bug) a message comes back in a minute; the sweeper is behind it. */
const ERROR_RETRY_SECONDS = 60;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The one queue dispatcher: routes by the exact queue name from the config, then by the message's
 * kind. Nothing here acks a message it could not handle: unreadable messages are dead-lettered,
 * errors are retried, and a batch from an unknown queue is retried and logged.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const { queues } = getConfig(env);
  if (batch.queue === queues.deliveries) await Promise.all(batch.messages.map((m) => handleMessage(m, env)));
  else if (batch.queue === queues.deadLetters) for (const m of batch.messages) await handleDeadLetter(m, env);
  else {
    log("error", "queue.unknown", {
      queue: batch.queue,
      messages: batch.messages.length,
      expected: [queues.deliveries, queues.deadLetters],
    });
    batch.retryAll({ delaySeconds: 300 });
  }
}

const CONSUMERS: Record<QueueMessage["kind"], (id: string, env: Env) => Promise<Verdict>> = {
  delivery: deliver,
  confirmation: confirmInvoice,
  alert: sendAlert,
  probe,
};

async function handleMessage(message: Message<unknown>, env: Env): Promise<void> {
  const parsed = parseQueueMessage(message.body);
  if (!parsed.ok) {
    log("error", "queue.bad_message", { message_id: message.id, reason: parsed.error });
    try {
      await env.DEAD_LETTERS.send(message.body, { contentType: "json" });
      message.ack();
    } catch (e) {
      log("error", "queue.dead_letter_failed", { message_id: message.id, error: errorText(e) });
      message.retry({ delaySeconds: ERROR_RETRY_SECONDS });
    }
    return;
  }
  const { kind, id } = parsed.value;
  try {
    const { retryAfter } = await CONSUMERS[kind](id, env);
    if (retryAfter === null) message.ack();
    else message.retry({ delaySeconds: retryAfter });
  } catch (e) {
    log("error", `${kind}.error`, { id, error: errorText(e) });
    message.retry({ delaySeconds: ERROR_RETRY_SECONDS });
  }
}

const DEAD_LETTER: Record<QueueMessage["kind"], (db: D1Database, id: string, now: Date) => Promise<void>> = {
  delivery: markExhausted,
  confirmation: (db, id, now) => markDeadLettered(db, "confirmations", id, now),
  alert: (db, id, now) => markDeadLettered(db, "alerts", id, now),
  probe: async () => {}, // a lost probe ticker is restarted by the cron (destinations tick)
};

/** Messages the queue gave up on: their rows are final now. An unreadable one ends here, logged. */
async function handleDeadLetter(message: Message<unknown>, env: Env): Promise<void> {
  const parsed = parseQueueMessage(message.body);
  if (!parsed.ok) {
    log("error", "queue.dead_letter_unreadable", { message_id: message.id, reason: parsed.error });
    return message.ack();
  }
  const { kind, id } = parsed.value;
  try {
    await DEAD_LETTER[kind](env.DB, id, new Date());
    log("error", `${kind}.dead_letter`, { id });
    message.ack();
  } catch (e) {
    log("error", "queue.dead_letter_error", { id, error: errorText(e) });
    message.retry({ delaySeconds: ERROR_RETRY_SECONDS });
  }
}
