import { getConfig } from "../config";
import { interpretMerchantInfo } from "../domain/confirmation";
import { ACK, type Verdict } from "../domain/message";
import { planConfirmed, unconfirmedDetail } from "../domain/plan";
import { projectOf } from "../domain/projects";
import { jitter } from "../domain/retry";
import { log } from "../log";
import { fetchMerchantInfo } from "../net/cryptocloud";
import { signalStatement } from "../store/alerts-signal";
import { apiUnauthorized, leaseConfirmation, recordConfirmationRetry, recordConfirmed, recordUnconfirmed } from "../store/confirmations";
import { setHealthProblem } from "../store/health";
import { enqueueDeliveries } from "../store/outbox";
import { projectInvoice } from "../store/projection";

/** An API KEY the API refuses is fixed by a human: check back every 10 minutes, not in a storm. */
export const UNAUTHORIZED_RETRY_SECONDS = 600;

/**
 * Confirms one invoice with merchant/info, asked with the API KEY of the invoice's own project.
 * Confirmation retries follow FORWARD_RETRY_DELAYS; the invoice stays pending_confirmation meanwhile
 * and nothing is forwarded until the API agrees.
 */
export async function confirmInvoice(invoiceId: string, env: Env): Promise<Verdict> {
  const config = getConfig(env);
  if (!config.projects.some((p) => p.apiKey)) return ACK; // no key at all: nothing to confirm with
  const now = new Date();
  const lease = await leaseConfirmation(env.DB, invoiceId, now, config.apiTimeoutMs + 30_000);
  if (!lease) return ACK;
  // The project's key was removed (or the project): the invoice waits, and /health counts it.
  const apiKey = projectOf(config.projects, lease.project)?.apiKey;
  if (!apiKey) {
    log("warn", "confirmation.no_api_key", { invoice_id: invoiceId, project: lease.project });
    return ACK;
  }

  const started = performance.now();
  const reply = await fetchMerchantInfo({ apiUrl: config.apiUrl, apiKey, timeoutMs: config.apiTimeoutMs }, invoiceId);
  const result =
    "error" in reply
      ? ({ kind: "retry", reason: reply.error } as const)
      : interpretMerchantInfo(reply.status, reply.body, invoiceId, lease.asserted);
  const at = new Date();
  const fields = {
    invoice_id: invoiceId,
    project: lease.project,
    attempt: lease.attempt,
    latency_ms: Math.round(performance.now() - started),
  };

  switch (result.kind) {
    case "confirmed": {
      const plan = planConfirmed(
        invoiceId,
        result.invoice,
        lease.asserted,
        {
          rejectTestMode: config.rejectTestMode,
          configDestinations: config.forward.configDestinations,
          source: "postback",
          project: lease.project,
        },
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
      const invoice = await recordUnconfirmed(env.DB, invoiceId, unconfirmedDetail(result.reason, lease.asserted, at), lease, at);
      log("warn", "confirmation.unconfirmed", { ...fields, reason: result.reason });
      if (invoice) await projectInvoice(env.INVOICES, invoice);
      return ACK;
    }
    case "unauthorized": {
      const problem = apiUnauthorized(lease.project);
      await recordConfirmationRetry(
        env.DB,
        invoiceId,
        lease.leaseToken,
        { reason: "unauthorized", delaySeconds: UNAUTHORIZED_RETRY_SECONDS, countAttempt: false },
        at,
        [
          setHealthProblem(env.DB, problem.code, problem.message, at),
          signalStatement(
            env.DB,
            {
              kind: "confirmation.unauthorized",
              subject: `api_key:${lease.project}`,
              data: { invoice_id: invoiceId, project: lease.project },
            },
            at,
          ),
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
