import { type MessageKind, type QueueMessage, queueMessage } from "../domain/message";

const SEND_BATCH_MAX = 100;

/**
 * Puts pointers of one kind on the queue, 100 a call. Throws if a send fails: the caller records
 * that on the rows (see markEnqueueFailed), and the sweeper finds them either way.
 */
export async function enqueue(queue: Queue<QueueMessage>, kind: MessageKind, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH_MAX) {
    const bodies = ids.slice(i, i + SEND_BATCH_MAX).map((id) => ({ body: queueMessage(kind, id), contentType: "json" as const }));
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

/** The outbox tables: each row has a state, a due time, a lease and an attempt count. */
const OUTBOXES = { deliveries: "id", confirmations: "invoice_id", alerts: "id" } as const;
export type Outbox = keyof typeof OUTBOXES;

/** A message may arrive this early (queue delays are not exact) and still count as due. */
const EARLY_MS = 2000;

/**
 * Takes one row for one attempt: only a pending, due row that nobody holds, returning the claimed
 * row with a fresh lease token. A second queue message for the same row (a sweeper re-enqueue, a
 * redelivery) claims nothing. Every write of the attempt's outcome is fenced on that token.
 */
export function leaseStatement(db: D1Database, table: Outbox, id: string, now: Date, leaseMs: number): D1PreparedStatement {
  const at = now.toISOString();
  return db
    .prepare(
      `UPDATE ${table} SET lease_until = ?3, lease_token = ?5, attempt_count = attempt_count + 1, updated_at = ?2
       WHERE ${OUTBOXES[table]} = ?1 AND state = 'pending' AND next_attempt_at <= ?4 AND (lease_until IS NULL OR lease_until < ?2)
       RETURNING *`,
    )
    .bind(id, at, new Date(now.getTime() + leaseMs).toISOString(), new Date(now.getTime() + EARLY_MS).toISOString(), crypto.randomUUID());
}

/**
 * Pending rows that are overdue by more than `grace` and held by nobody: their queue message was
 * lost. Their due time moves to now (so the next sweep leaves them alone for `grace`), and a
 * recorded enqueue failure is cleared: they are about to be sent again.
 */
export async function sweepOverdue(db: D1Database, table: Outbox, now: Date, graceMs: number, limit: number): Promise<string[]> {
  const key = OUTBOXES[table];
  const clear = table === "deliveries" ? ", enqueue_failed_at = NULL" : "";
  const { results } = await db
    .prepare(
      `UPDATE ${table} SET next_attempt_at = ?1${clear} WHERE ${key} IN (
         SELECT ${key} FROM ${table} WHERE state = 'pending' AND next_attempt_at <= ?2
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
