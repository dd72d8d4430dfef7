import { type MessageKind, type QueueMessage, queueMessage } from "../domain/message";
import { OUTBOXES, type Outbox } from "./lease";

const SEND_BATCH_MAX = 100;

/**
 * Puts pointers of one kind on the queue, 100 a call. Throws if a send fails: the caller records
 * that on the rows (see markEnqueueFailed), and the sweeper finds them either way.
 */
export async function enqueue(queue: Queue<QueueMessage>, kind: MessageKind, ids: readonly string[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH_MAX) {
    const bodies = ids
      .slice(i, i + SEND_BATCH_MAX)
      .map((id) => ({ body: queueMessage(kind, id), contentType: "json" as const, ...(delaySeconds > 0 ? { delaySeconds } : {}) }));
    await queue.sendBatch(bodies);
  }
}

/** Enqueues deliveries after their commit. A failed send is recorded on them, then rethrown for the log. */
export async function enqueueDeliveries(queue: Queue<QueueMessage>, db: D1Database, ids: readonly string[], now: Date): Promise<void> {
  try {
    await enqueue(queue, "delivery", ids);
  } catch (e) {
    await markEnqueueFailed(db, ids, now);
    throw e;
  }
}

/**
 * Pending rows that are overdue by more than `grace` and held by nobody: their queue message was
 * lost. Their due time moves to now (so the next sweep leaves them alone for `grace`), and a
 * recorded enqueue failure is cleared: they are about to be sent again.
 */
export async function sweepOverdue(db: D1Database, table: Outbox, now: Date, graceMs: number, limit: number): Promise<string[]> {
  const key = OUTBOXES[table];
  const clear = table === "deliveries" ? ", enqueue_failed_at = NULL" : "";
  // A held delivery waits for its destination's circuit or resume, which releases it; the sweeper leaves it be.
  const held = table === "deliveries" ? " AND held_since IS NULL" : "";
  const { results } = await db
    .prepare(
      `UPDATE ${table} SET next_attempt_at = ?1${clear} WHERE ${key} IN (
         SELECT ${key} FROM ${table} WHERE state = 'pending' AND next_attempt_at <= ?2${held}
           AND (lease_until IS NULL OR lease_until < ?1) ORDER BY next_attempt_at LIMIT ?3)
       RETURNING ${key} AS id`,
    )
    .bind(now.toISOString(), new Date(now.getTime() - graceMs).toISOString(), limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** After a failed send: the deliveries say so (in /stats) until the sweeper re-enqueues them. */
export async function markEnqueueFailed(db: D1Database, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .prepare("UPDATE deliveries SET enqueue_failed_at = ?2 WHERE id IN (SELECT value FROM json_each(?1)) AND state = 'pending'")
    .bind(JSON.stringify(ids), now.toISOString())
    .run();
}

/**
 * The dead-letter queue's verdict on a confirmation or an alert: the queue gave up on its message, so
 * a row still pending becomes final (deliveries have their own, which also raises an alert).
 */
export async function markDeadLettered(db: D1Database, table: "confirmations" | "alerts", id: string, now: Date): Promise<void> {
  const final = table === "alerts" ? "failed" : "exhausted";
  await db
    .prepare(
      `UPDATE ${table} SET state = ?3, lease_until = NULL, last_error = coalesce(last_error, 'dead_letter'), updated_at = ?2
       WHERE ${OUTBOXES[table]} = ?1 AND state = 'pending'`,
    )
    .bind(id, now.toISOString(), final)
    .run();
}
