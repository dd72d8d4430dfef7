import type { DeliveryRow } from "./deliveries";
import { type DestinationRow, REMOVAL_GRACE_MS } from "./destinations";

/** The outbox tables: each row has a state, a due time, a lease and an attempt count. */
export const OUTBOXES = { deliveries: "id", confirmations: "invoice_id", alerts: "id" } as const;
export type Outbox = keyof typeof OUTBOXES;

/** A message may arrive this early (queue delays are not exact) and still count as due. */
const EARLY_MS = 2000;

/**
 * Takes one row for one attempt: only a pending, due row that nobody holds, returning the claimed
 * row with a fresh lease token. A second queue message for the same row (a sweeper re-enqueue, a
 * redelivery) claims nothing. Every write of the attempt's outcome is fenced on that token. A held
 * delivery is never leased here: only its destination's probe or release takes it.
 */
export function leaseStatement(db: D1Database, table: Outbox, id: string, now: Date, leaseMs: number): D1PreparedStatement {
  const at = now.toISOString();
  const held = table === "deliveries" ? " AND held_since IS NULL" : "";
  return db
    .prepare(
      `UPDATE ${table} SET lease_until = ?3, lease_token = ?5, attempt_count = attempt_count + 1, updated_at = ?2
       WHERE ${OUTBOXES[table]} = ?1 AND state = 'pending' AND next_attempt_at <= ?4 AND (lease_until IS NULL OR lease_until < ?2)${held}
       RETURNING *`,
    )
    .bind(id, at, new Date(now.getTime() + leaseMs).toISOString(), new Date(now.getTime() + EARLY_MS).toISOString(), crypto.randomUUID());
}

export type LeasedRow = DeliveryRow & { lease_token: string; probes: number; destination_id: string };

export interface LeasedDelivery {
  delivery: LeasedRow;
  payload: string;
  orderId: string | null; // for the alert, should this attempt be the last
  destination: DestinationRow;
  waiting: number; // held deliveries of its destination: released if this attempt closes the circuit
}

export type DeliveryLease = { kind: "leased"; leased: LeasedDelivery } | { kind: "held" | "canceled" | "skipped" };

const NOT_HELD_BY_OTHERS = "state = 'pending' AND (lease_until IS NULL OR lease_until < ?2)";
const STORED = "SELECT 1 FROM destinations ds WHERE ds.id = deliveries.destination_id";

/**
 * One message for one delivery, one batch: a row from before destinations were stored learns its
 * destination; a delivery whose destination was removed (over REMOVAL_GRACE_MS ago) becomes `canceled`;
 * one whose destination is paused, disabled, just removed or has an open circuit is held (not attempted,
 * no retry used); otherwise it is leased.
 */
export async function leaseDelivery(
  db: D1Database,
  id: string,
  now: Date,
  leaseMs: number,
  sync: D1PreparedStatement[],
): Promise<DeliveryLease> {
  const at = now.toISOString();
  const results = await db.batch<Record<string, unknown>>([
    // FORWARD_URL's destinations exist before an old row (from before 0006) looks its own up by URL.
    ...sync,
    db
      .prepare(
        `UPDATE deliveries SET destination_id = (SELECT ds.id FROM destinations ds WHERE ds.url = deliveries.destination
           AND ds.managed_by = 'config' ORDER BY ds.removed_at IS NULL DESC LIMIT 1) WHERE id = ?1 AND destination_id IS NULL`,
      )
      .bind(id),
    db
      .prepare(
        `UPDATE deliveries SET state = 'canceled', held_since = NULL, last_error = 'destination_removed', updated_at = ?2
         WHERE id = ?1 AND ${NOT_HELD_BY_OTHERS} AND NOT EXISTS (${STORED} AND (ds.removed_at IS NULL OR ds.removed_at > ?3)) RETURNING id`,
      )
      .bind(id, at, new Date(now.getTime() - REMOVAL_GRACE_MS).toISOString()),
    db
      .prepare(
        `UPDATE deliveries SET held_since = ?2, updated_at = ?2 WHERE id = ?1 AND ${NOT_HELD_BY_OTHERS} AND held_since IS NULL
           AND EXISTS (${STORED} AND (ds.removed_at IS NOT NULL OR ds.state <> 'active' OR ds.circuit_state <> 'closed')) RETURNING id`,
      )
      .bind(id, at),
    leaseStatement(db, "deliveries", id, now, leaseMs),
    eventOf(db, id),
    destinationOf(db, id),
  ]);
  const [, canceled, held, lease, event, destination] = results.slice(sync.length);
  if (canceled?.results.length) return { kind: "canceled" };
  if (held?.results.length) return { kind: "held" };
  return leasedFrom(lease, event, destination);
}

const eventOf = (db: D1Database, id: string) =>
  db
    .prepare(
      `SELECT e.payload, i.order_id FROM events e JOIN deliveries d ON d.event_id = e.id JOIN invoices i ON i.invoice_id = d.invoice_id
       WHERE d.id = ?1`,
    )
    .bind(id);

const destinationOf = (db: D1Database, id: string) =>
  db
    .prepare(
      `SELECT ds.*, (SELECT count(*) FROM deliveries w WHERE w.destination_id = ds.id AND w.state = 'pending' AND w.held_since IS NOT NULL)
         AS waiting FROM destinations ds JOIN deliveries d ON d.destination_id = ds.id WHERE d.id = ?1`,
    )
    .bind(id);

function leasedFrom(
  lease: D1Result<Record<string, unknown>> | undefined,
  event: D1Result<Record<string, unknown>> | undefined,
  destination: D1Result<Record<string, unknown>> | undefined,
): DeliveryLease {
  const delivery = lease?.results[0] as LeasedRow | undefined;
  const row = event?.results[0];
  const dest = destination?.results[0] as (DestinationRow & { waiting: number }) | undefined;
  if (!delivery || typeof row?.payload !== "string" || !dest) return { kind: "skipped" };
  const { waiting, ...destinationRow } = dest;
  return {
    kind: "leased",
    leased: { delivery, payload: row.payload, orderId: (row.order_id as string | null) ?? null, destination: destinationRow, waiting },
  };
}

/**
 * The probe of an open circuit: claims the probe slot (fenced on the circuit's generation and the
 * probe time read, so two probe messages claim it once) and leases the oldest waiting delivery.
 */
export async function leaseProbe(
  db: D1Database,
  d: DestinationRow,
  nextProbeAt: string,
  now: Date,
  leaseMs: number,
): Promise<{ claimed: boolean; leased: LeasedDelivery | null }> {
  const at = now.toISOString();
  const token = crypto.randomUUID();
  const [claim, lease] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `UPDATE destinations SET circuit_state = 'half_open', next_probe_at = ?2, probe_token = ?3, updated_at = ?4
         WHERE id = ?1 AND circuit_generation = ?5 AND next_probe_at = ?6 AND state = 'active' AND removed_at IS NULL`,
      )
      .bind(d.id, nextProbeAt, token, at, d.circuit_generation, d.next_probe_at),
    db
      .prepare(
        `UPDATE deliveries SET lease_until = ?3, lease_token = ?4, attempt_count = attempt_count + 1, updated_at = ?2
         WHERE id = (SELECT id FROM deliveries WHERE destination_id = ?1 AND state = 'pending' AND held_since IS NOT NULL
             AND (lease_until IS NULL OR lease_until < ?2) ORDER BY created_at, id LIMIT 1)
           AND EXISTS (SELECT 1 FROM destinations WHERE id = ?1 AND probe_token = ?5)
         RETURNING *`,
      )
      .bind(d.id, at, new Date(now.getTime() + leaseMs).toISOString(), crypto.randomUUID(), token),
  ]);
  const claimed = (claim?.meta.changes ?? 0) > 0;
  const delivery = lease?.results[0] as LeasedRow | undefined;
  if (!delivery) return { claimed, leased: null };
  const [event, destination] = await db.batch<Record<string, unknown>>([eventOf(db, delivery.id), destinationOf(db, delivery.id)]);
  const found = leasedFrom(lease, event, destination);
  return { claimed, leased: found.kind === "leased" ? found.leased : null };
}

/** Gives a lease back without an attempt (nothing was sent): the attempt it counted is taken back too. */
export async function unlease(db: D1Database, d: LeasedRow): Promise<void> {
  await db
    .prepare(
      "UPDATE deliveries SET lease_until = NULL, attempt_count = attempt_count - 1 WHERE id = ?1 AND lease_token = ?2 AND state = 'pending'",
    )
    .bind(d.id, d.lease_token)
    .run();
}
