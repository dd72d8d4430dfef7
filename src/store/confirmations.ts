import type { Claimed } from "../domain/confirmation";
import type { InvoiceRow } from "../domain/invoice";
import type { ConfirmedPlan } from "../domain/plan";
import { createdDeliveryIds, eventStatements } from "./ledger";
import { claimStatement } from "./outbox";

export interface ClaimedConfirmation {
  attempt: number;
  claimedAt: string; // the row's updated_at after the claim: a later postback re-arms it
  claimed: Claimed; // what the latest postback said
}

/** Takes a pending, due confirmation that nobody holds; null when another message has it. */
export async function claimConfirmation(
  db: D1Database,
  invoiceId: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimedConfirmation | null> {
  const [claim, last] = await db.batch<Record<string, unknown>>([
    claimStatement(db, "confirmations", invoiceId, now, leaseMs),
    db.prepare("SELECT amount_crypto, currency, order_id FROM postbacks WHERE invoice_id = ?1 ORDER BY id DESC LIMIT 1").bind(invoiceId),
  ]);
  const row = claim?.results[0];
  const p = last?.results[0];
  if (!row || !p) return null;
  return {
    attempt: Number(row.attempt_count),
    claimedAt: String(row.updated_at),
    claimed: { amountCrypto: String(p.amount_crypto), currency: String(p.currency), orderId: (p.order_id as string | null) ?? null },
  };
}

// Closes the confirmation only if no postback re-armed it since the claim.
const FINISH = `UPDATE confirmations SET state = ?2, lease_until = NULL, last_error = ?3, updated_at = ?4
  WHERE invoice_id = ?1 AND updated_at = ?5`;

/**
 * The API confirmed the payment: its values replace the postback's (never moving the status back),
 * and the event for the confirmed status is created with its deliveries, in one batch.
 */
export async function recordConfirmed(
  db: D1Database,
  c: ConfirmedPlan,
  claimedAt: string,
  now: Date,
): Promise<{ invoice: InvoiceRow | null; deliveryIds: string[] }> {
  const at = now.toISOString();
  const statements = [
    db
      .prepare(
        `UPDATE invoices SET status = ?2, status_rank = ?3, amount_crypto = ?4, currency = ?5, order_id = ?6,
           test_mode = coalesce(?7, test_mode), confirmed = 1, detail_json = ?8, version = version + 1, updated_at = ?9
         WHERE invoice_id = ?1 AND (status_rank < ?3 OR (status_rank = ?3 AND confirmed = 0))
         RETURNING *`,
      )
      .bind(c.invoiceId, c.status, c.statusRank, c.amountCrypto, c.currency, c.orderId, c.testMode, c.detailJson, at),
    db.prepare(FINISH).bind(c.invoiceId, "done", null, at, claimedAt),
    db.prepare("DELETE FROM flags WHERE key = 'api_unauthorized'"),
    ...eventStatements(db, c.invoiceId, c.event, c.destinations, at),
  ];
  const results = await db.batch<Record<string, unknown>>(statements);
  const invoice = (results[0]?.results[0] as InvoiceRow | undefined) ?? null;
  return { invoice, deliveryIds: createdDeliveryIds(results, c.destinations.length) };
}

/** The API says the invoice is not paid (created, canceled, unknown): it is never recorded as paid. */
export async function recordUnconfirmed(
  db: D1Database,
  invoiceId: string,
  detailJson: string,
  claimedAt: string,
  now: Date,
): Promise<InvoiceRow | null> {
  const at = now.toISOString();
  const [upd] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `UPDATE invoices SET status = 'unconfirmed', detail_json = ?2, version = version + 1, updated_at = ?3
         WHERE invoice_id = ?1 AND status_rank = 0 RETURNING *`,
      )
      .bind(invoiceId, detailJson, at),
    db.prepare(FINISH).bind(invoiceId, "done", null, at, claimedAt),
    db.prepare("DELETE FROM flags WHERE key = 'api_unauthorized'"),
  ]);
  return (upd?.results[0] as InvoiceRow | undefined) ?? null;
}

/** Schedules the next try; `exhausted` when the schedule ran out (the invoice stays pending). */
export async function recordConfirmationRetry(
  db: D1Database,
  invoiceId: string,
  reason: string,
  delaySeconds: number | null,
  countAttempt: boolean,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const next = new Date(now.getTime() + (delaySeconds ?? 0) * 1000).toISOString();
  await db
    .prepare(
      `UPDATE confirmations SET state = ?2, next_attempt_at = ?3, lease_until = NULL, last_error = ?4, updated_at = ?5,
         attempt_count = attempt_count - ?6 WHERE invoice_id = ?1`,
    )
    .bind(invoiceId, delaySeconds === null ? "exhausted" : "pending", next, reason, at, countAttempt ? 0 : 1)
    .run();
}

export async function setFlag(db: D1Database, key: string, value: string, now: Date): Promise<void> {
  await db
    .prepare("INSERT INTO flags (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3")
    .bind(key, value, now.toISOString())
    .run();
}

export async function getFlags(db: D1Database): Promise<{ key: string; value: string; updated_at: string }[]> {
  return (
    await db.prepare("SELECT key, value, updated_at FROM flags ORDER BY key").all<{ key: string; value: string; updated_at: string }>()
  ).results;
}
