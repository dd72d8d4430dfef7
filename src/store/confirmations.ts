import type { PostbackAssertion } from "../domain/confirmation";
import type { InvoiceRow } from "../domain/invoice";
import type { ConfirmedPlan } from "../domain/plan";
import { DEFAULT_PROJECT } from "../domain/projects";
import { clearHealthProblem } from "./health";
import { leaseStatement } from "./lease";
import { createdDeliveryIds, eventStatements } from "./ledger";

export interface LeasedConfirmation {
  attempt: number;
  leaseToken: string; // every write of this attempt's outcome is fenced on it; a later postback clears it
  asserted: PostbackAssertion; // what the latest postback said
  project: string; // the invoice's project: its API KEY confirms it
}

/**
 * The health problem both confirmation and reconciliation raise when CryptoCloud's API refuses a
 * project's key: one per project, naming the variable (and the slug), never the key.
 */
export function apiUnauthorized(project: string): { code: string; message: string } {
  if (project === DEFAULT_PROJECT)
    return { code: "api_unauthorized", message: "CryptoCloud's API refused CRYPTOCLOUD_API_KEY (401): check the API KEY" };
  return {
    code: `api_unauthorized:${project}`,
    message: `CryptoCloud's API refused the api_key of project "${project}" in CRYPTOCLOUD_PROJECTS (401): check that project's API KEY`,
  };
}

/** Takes a pending, due confirmation that nobody holds; null when another message has it. */
export async function leaseConfirmation(db: D1Database, invoiceId: string, now: Date, leaseMs: number): Promise<LeasedConfirmation | null> {
  const [lease, last] = await db.batch<Record<string, unknown>>([
    leaseStatement(db, "confirmations", invoiceId, now, leaseMs),
    db
      .prepare(
        `SELECT amount_crypto, currency, order_id, (SELECT project FROM invoices WHERE invoice_id = ?1) AS project
         FROM postbacks WHERE invoice_id = ?1 ORDER BY id DESC LIMIT 1`,
      )
      .bind(invoiceId),
  ]);
  const row = lease?.results[0];
  const p = last?.results[0];
  if (!row || !p) return null;
  return {
    attempt: Number(row.attempt_count),
    leaseToken: String(row.lease_token),
    asserted: { amountCrypto: String(p.amount_crypto), currency: String(p.currency), orderId: (p.order_id as string | null) ?? null },
    project: String(p.project ?? DEFAULT_PROJECT),
  };
}

// Closes the confirmation only if no postback re-armed it since the lease (which clears the token).
const FINISH = `UPDATE confirmations SET state = ?2, lease_until = NULL, last_error = ?3, updated_at = ?4
  WHERE invoice_id = ?1 AND lease_token = ?5`;

/**
 * The API confirmed the payment: its values replace the postback's (never moving the status back),
 * and the event for the confirmed status is created with its deliveries, in one batch.
 */
export async function recordConfirmed(
  db: D1Database,
  plan: ConfirmedPlan,
  leaseToken: string,
  now: Date,
): Promise<{ invoice: InvoiceRow | null; deliveryIds: string[] }> {
  const at = now.toISOString();
  const statements = [
    db
      .prepare(
        `UPDATE invoices SET status = ?2, status_rank = ?3, amount_crypto = ?4, currency = ?5, order_id = ?6,
           test_mode = coalesce(?7, test_mode), confirmed = 1, detail_json = ?8, not_forwarded = ?10, version = version + 1, updated_at = ?9
         WHERE invoice_id = ?1 AND (status_rank < ?3 OR (status_rank = ?3 AND confirmed = 0))
         RETURNING *`,
      )
      .bind(
        plan.invoiceId,
        plan.status,
        plan.statusRank,
        plan.amountCrypto,
        plan.currency,
        plan.orderId,
        plan.testMode,
        plan.detailJson,
        at,
        plan.notForwarded,
      ),
    db.prepare(FINISH).bind(plan.invoiceId, "done", null, at, leaseToken),
    clearHealthProblem(db, apiUnauthorized(plan.project).code),
    ...eventStatements(db, plan.invoiceId, plan.event, plan, at),
  ];
  const results = await db.batch<Record<string, unknown>>(statements);
  const invoice = (results[0]?.results[0] as InvoiceRow | undefined) ?? null;
  return { invoice, deliveryIds: createdDeliveryIds(results, plan.forward) };
}

/** The API says the invoice is not paid (created, canceled, unknown): it is never recorded as paid. */
export async function recordUnconfirmed(
  db: D1Database,
  invoiceId: string,
  detailJson: string,
  lease: LeasedConfirmation,
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
    db.prepare(FINISH).bind(invoiceId, "done", null, at, lease.leaseToken),
    clearHealthProblem(db, apiUnauthorized(lease.project).code),
  ]);
  return (upd?.results[0] as InvoiceRow | undefined) ?? null;
}

/**
 * Schedules the next try, fenced on the lease; `exhausted` when the schedule ran out (the invoice
 * stays pending_confirmation, /health says so, and the cron re-checks it on a slow schedule).
 */
export async function recordConfirmationRetry(
  db: D1Database,
  invoiceId: string,
  leaseToken: string,
  retry: { reason: string; delaySeconds: number | null; countAttempt: boolean },
  now: Date,
  extra: D1PreparedStatement[] = [],
): Promise<void> {
  const at = now.toISOString();
  const next = new Date(now.getTime() + (retry.delaySeconds ?? 0) * 1000).toISOString();
  await db.batch([
    db
      .prepare(
        `UPDATE confirmations SET state = ?2, next_attempt_at = ?3, lease_until = NULL, last_error = ?4, updated_at = ?5,
           attempt_count = attempt_count - ?6 WHERE invoice_id = ?1 AND lease_token = ?7`,
      )
      .bind(
        invoiceId,
        retry.delaySeconds === null ? "exhausted" : "pending",
        next,
        retry.reason,
        at,
        retry.countAttempt ? 0 : 1,
        leaseToken,
      ),
    ...extra,
  ]);
}

/** After a long API outage or an `unconfirmed`: re-check a bounded number, every `everyMs`, at most `maxRechecks` times. */
export async function rearmStuckConfirmations(
  db: D1Database,
  now: Date,
  options: { everyMs: number; maxRechecks: number; limit: number },
): Promise<string[]> {
  const at = now.toISOString();
  const { results } = await db
    .prepare(
      `UPDATE confirmations SET state = 'pending', attempt_count = 0, next_attempt_at = ?1, last_error = NULL, lease_token = NULL,
         rechecks = rechecks + 1, updated_at = ?1
       WHERE invoice_id IN (
         SELECT c.invoice_id FROM confirmations c JOIN invoices i ON i.invoice_id = c.invoice_id
         WHERE i.status_rank = 0 AND c.state IN ('exhausted', 'done') AND c.updated_at <= ?2 AND c.rechecks < ?3
         ORDER BY c.updated_at LIMIT ?4)
       RETURNING invoice_id`,
    )
    .bind(at, new Date(now.getTime() - options.everyMs).toISOString(), options.maxRechecks, options.limit)
    .all<{ invoice_id: string }>();
  return results.map((r) => r.invoice_id);
}
