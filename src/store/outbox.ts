import type { DeliveryMessage } from "../delivery/consumer";

const SEND_BATCH_MAX = 100;

/** Puts delivery pointers on the queue. A lost send only delays: the sweeper finds the row. */
export async function enqueueDeliveries(queue: Queue<DeliveryMessage>, ids: readonly string[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH_MAX) {
    const chunk = ids.slice(i, i + SEND_BATCH_MAX);
    await queue.sendBatch(chunk.map((delivery_id) => ({ body: { delivery_id }, contentType: "json", delaySeconds })));
  }
}

export async function enqueueConfirmations(queue: Queue<DeliveryMessage>, invoiceIds: readonly string[]): Promise<void> {
  for (let i = 0; i < invoiceIds.length; i += SEND_BATCH_MAX) {
    const chunk = invoiceIds.slice(i, i + SEND_BATCH_MAX);
    await queue.sendBatch(chunk.map((confirm_invoice) => ({ body: { confirm_invoice }, contentType: "json" })));
  }
}

/** The two outbox tables: each row has a state, a due time, a lease and an attempt count. */
const OUTBOXES = { deliveries: "id", confirmations: "invoice_id" } as const;
type Outbox = keyof typeof OUTBOXES;

/** A message may arrive this early (queue delays are not exact) and still count as due. */
const EARLY_MS = 2000;

/**
 * Takes one row for one attempt: only a pending, due row that nobody holds, returning the claimed
 * row. A second queue message for the same row (a sweeper re-enqueue, a redelivery) claims nothing.
 */
export function claimStatement(db: D1Database, table: Outbox, id: string, now: Date, leaseMs: number): D1PreparedStatement {
  const at = now.toISOString();
  return db
    .prepare(
      `UPDATE ${table} SET lease_until = ?3, attempt_count = attempt_count + 1, updated_at = ?2
       WHERE ${OUTBOXES[table]} = ?1 AND state = 'pending' AND next_attempt_at <= ?4 AND (lease_until IS NULL OR lease_until < ?2)
       RETURNING *`,
    )
    .bind(id, at, new Date(now.getTime() + leaseMs).toISOString(), new Date(now.getTime() + EARLY_MS).toISOString());
}

/**
 * Pending rows that are overdue by more than `grace` and held by nobody: their queue message was
 * lost. Their due time moves to now, so the next sweep leaves them alone for `grace`.
 */
export async function sweepOverdue(
  db: D1Database,
  table: keyof typeof OUTBOXES,
  now: Date,
  graceMs: number,
  limit: number,
): Promise<string[]> {
  const key = OUTBOXES[table];
  const { results } = await db
    .prepare(
      `UPDATE ${table} SET next_attempt_at = ?1 WHERE ${key} IN (
         SELECT ${key} FROM ${table} WHERE state = 'pending' AND next_attempt_at <= ?2
           AND (lease_until IS NULL OR lease_until < ?1) ORDER BY next_attempt_at LIMIT ?3)
       RETURNING ${key} AS id`,
    )
    .bind(now.toISOString(), new Date(now.getTime() - graceMs).toISOString(), limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
