import { getConfig } from "../config";
import { interpretMerchantInfo } from "../domain/confirmation";
import { ACK, type Verdict } from "../domain/message";
import { planConfirmed, unconfirmedDetail } from "../domain/plan";
import { jitter } from "../domain/retry";
import { log } from "../log";
import { fetchMerchantInfo } from "../net/cryptocloud";
import { signalStatement } from "../store/alerts-signal";
import {
  API_UNAUTHORIZED,
  API_UNAUTHORIZED_MESSAGE,
  leaseConfirmation,
  recordConfirmationRetry,
  recordConfirmed,
  recordUnconfirmed,
} from "../store/confirmations";
import { setHealthProblem } from "../store/health";
import { enqueueDeliveries } from "../store/outbox";
import { projectInvoice } from "../store/projection";

/** An API KEY the API refuses is fixed by a human: check back every 10 minutes, not in a storm. */
export const UNAUTHORIZED_RETRY_SECONDS = 600;
export const API_TIMEOUT_MS = 10_000;

/**
 * Confirms one invoice with merchant/info. Confirmation retries follow FORWARD_RETRY_DELAYS; the
 * invoice stays pending_confirmation meanwhile and nothing is forwarded until the API agrees.
 */
export async function confirmInvoice(invoiceId: string, env: Env): Promise<Verdict> {
  const config = getConfig(env);
  if (!config.apiKey) return ACK; // the key was removed: nothing to confirm with
  const now = new Date();
  const lease = await leaseConfirmation(env.DB, invoiceId, now, API_TIMEOUT_MS + 30_000);
  if (!lease) return ACK;

  const started = performance.now();
  const reply = await fetchMerchantInfo({ apiUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: API_TIMEOUT_MS }, invoiceId);
  const result =
    "error" in reply
      ? ({ kind: "retry", reason: reply.error } as const)
      : interpretMerchantInfo(reply.status, reply.body, invoiceId, lease.asserted);
  const at = new Date();
  const fields = { invoice_id: invoiceId, attempt: lease.attempt, latency_ms: Math.round(performance.now() - started) };

  switch (result.kind) {
    case "confirmed": {
      const plan = planConfirmed(
        invoiceId,
        result.invoice,
        lease.asserted,
        { rejectTestMode: config.rejectTestMode, configDestinations: config.forward.configDestinations, source: "postback" },
        at,
      );
      const { invoice, deliveryIds } = await recordConfirmed(env.DB, plan, lease.leaseToken, at);
      if (result.invoice.mismatches.length) log("warn", "confirmation.mismatch", { ...fields, mismatches: result.invoice.mismatches });
      log("info", "confirmation.confirmed", { ...fields, status: plan.status, deliveries: deliveryIds.length });
      await Promise.all([
        enqueueDeliveries(env.DELIVERIES, env.DB, deliveryIds, at),
        invoice ? projectInvoice(env.INVOICES, invoice) : null,
      ]);
      return ACK;
    }
    case "unconfirmed": {
      const invoice = await recordUnconfirmed(
        env.DB,
        invoiceId,
        unconfirmedDetail(result.reason, lease.asserted, at),
        lease.leaseToken,
        at,
      );
      log("warn", "confirmation.unconfirmed", { ...fields, reason: result.reason });
      if (invoice) await projectInvoice(env.INVOICES, invoice);
      return ACK;
    }
    case "unauthorized": {
      await recordConfirmationRetry(
        env.DB,
        invoiceId,
        lease.leaseToken,
        { reason: "unauthorized", delaySeconds: UNAUTHORIZED_RETRY_SECONDS, countAttempt: false },
        at,
        [
          setHealthProblem(env.DB, API_UNAUTHORIZED, API_UNAUTHORIZED_MESSAGE, at),
          signalStatement(env.DB, { kind: "confirmation.unauthorized", subject: "api_key", data: { invoice_id: invoiceId } }, at),
        ],
      );
      log("error", "confirmation.unauthorized", fields);
      return { retryAfter: UNAUTHORIZED_RETRY_SECONDS };
    }
    case "retry": {
      const scheduled = config.forward.retryDelays[lease.attempt - 1];
      const delay = scheduled === undefined ? null : jitter(scheduled, Math.random());
      await recordConfirmationRetry(
        env.DB,
        invoiceId,
        lease.leaseToken,
        { reason: result.reason, delaySeconds: delay, countAttempt: true },
        at,
      );
      log(delay === null ? "error" : "warn", "confirmation.retry", { ...fields, reason: result.reason, delay_s: delay });
      return { retryAfter: delay };
    }
  }
}
