/** A queue message is only a pointer: a delivery, or an invoice to confirm. Bodies are rebuilt from D1. */
export type DeliveryMessage = { delivery_id: string } | { confirm_invoice: string };

const SEND_BATCH_MAX = 100;

/** Puts pointers on the queue, 100 a call. A lost send only delays: the sweeper finds the row. */
async function send(queue: Queue<DeliveryMessage>, bodies: DeliveryMessage[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += SEND_BATCH_MAX) {
    await queue.sendBatch(bodies.slice(i, i + SEND_BATCH_MAX).map((body) => ({ body, contentType: "json" })));
  }
}

export const enqueueDeliveries = (queue: Queue<DeliveryMessage>, ids: readonly string[]): Promise<void> =>
  send(
    queue,
    ids.map((delivery_id) => ({ delivery_id })),
  );

export const enqueueConfirmations = (queue: Queue<DeliveryMessage>, invoiceIds: readonly string[]): Promise<void> =>
  send(
    queue,
    invoiceIds.map((confirm_invoice) => ({ confirm_invoice })),
  );

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
