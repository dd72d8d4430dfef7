import { getConfig } from "../config";
import { jitter } from "../delivery/policy";
import { interpretMerchantInfo } from "../domain/confirmation";
import { planConfirmed, unconfirmedDetail } from "../domain/plan";
import { log } from "../log";
import { claimConfirmation, recordConfirmationRetry, recordConfirmed, recordUnconfirmed, setFlag } from "../store/confirmations";
import { enqueueDeliveries } from "../store/outbox";
import { projectInvoice } from "../store/projection";
import { fetchMerchantInfo } from "./api";

/** An API KEY the API refuses is fixed by a human: check back every 10 minutes, not in a storm. */
export const UNAUTHORIZED_RETRY_SECONDS = 600;
const API_TIMEOUT_MS = 10_000;

/**
 * Confirms one invoice with merchant/info. Returns the queue's verdict: ack, or retry after a delay.
 * Confirmation retries follow FORWARD_RETRY_DELAYS; the invoice stays pending_confirmation meanwhile
 * and nothing is forwarded until the API agrees.
 */
export async function confirmInvoice(invoiceId: string, env: Env): Promise<{ retryAfter: number | null }> {
  const config = getConfig(env);
  if (!config.apiKey) return { retryAfter: null }; // the key was removed: nothing to confirm with
  const now = new Date();
  const claim = await claimConfirmation(env.DB, invoiceId, now, API_TIMEOUT_MS + 30_000);
  if (!claim) return { retryAfter: null };

  const started = performance.now();
  const reply = await fetchMerchantInfo(config.apiUrl, config.apiKey, invoiceId, API_TIMEOUT_MS);
  const result =
    "error" in reply
      ? ({ kind: "retry", reason: reply.error } as const)
      : interpretMerchantInfo(reply.status, reply.body, invoiceId, claim.claimed);
  const at = new Date();
  const fields = { invoice_id: invoiceId, attempt: claim.attempt, latency_ms: Math.round(performance.now() - started) };

  switch (result.kind) {
    case "confirmed": {
      const plan = planConfirmed(
        invoiceId,
        result.invoice,
        claim.claimed,
        { rejectTestMode: config.rejectTestMode, destinations: config.forward.urls },
        at,
      );
      const { invoice, deliveryIds } = await recordConfirmed(env.DB, plan, claim.claimedAt, at);
      if (result.invoice.mismatches.length) log("warn", "confirmation.mismatch", { ...fields, mismatches: result.invoice.mismatches });
      log("info", "confirmation.confirmed", { ...fields, status: plan.status, deliveries: deliveryIds.length });
      await Promise.all([enqueueDeliveries(env.DELIVERIES, deliveryIds), invoice ? projectInvoice(env.INVOICES, invoice) : null]);
      return { retryAfter: null };
    }
    case "unconfirmed": {
      const invoice = await recordUnconfirmed(env.DB, invoiceId, unconfirmedDetail(result.reason, claim.claimed, at), claim.claimedAt, at);
      log("warn", "confirmation.unconfirmed", { ...fields, reason: result.reason });
      if (invoice) await projectInvoice(env.INVOICES, invoice);
      return { retryAfter: null };
    }
    case "unauthorized": {
      await setFlag(env.DB, "api_unauthorized", "CryptoCloud's API refused CRYPTOCLOUD_API_KEY (401): check the API KEY", at);
      await recordConfirmationRetry(env.DB, invoiceId, "unauthorized", UNAUTHORIZED_RETRY_SECONDS, false, at);
      log("error", "confirmation.unauthorized", fields);
      return { retryAfter: UNAUTHORIZED_RETRY_SECONDS };
    }
    case "retry": {
      const scheduled = config.forward.retryDelays[claim.attempt - 1];
      const delay = scheduled === undefined ? null : jitter(scheduled, Math.random());
      await recordConfirmationRetry(env.DB, invoiceId, result.reason, delay, true, at);
      log(delay === null ? "error" : "warn", "confirmation.retry", { ...fields, reason: result.reason, delay_s: delay });
      return { retryAfter: delay };
    }
  }
}
