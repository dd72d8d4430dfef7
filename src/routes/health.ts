import { Hono } from "hono/tiny";
import type { AppEnv } from "../http/context";
import { unhealthyDestinations } from "../store/destinations";
import { listHealthProblems } from "../store/health";
import { heldInvoices } from "../store/stats";

export const health = new Hono<AppEnv>();

const HELD_AFTER_MS = 3600_000;

/**
 * 200 when the Worker can do its job, 503 with the reasons when not: configuration errors found at
 * startup, problems found since (the API refusing the key, several projects behind one key), money
 * held (confirmations that ran out of retries, invoices waiting over an hour), or D1 unreachable.
 * Names variables and problems, never a value: this route needs no auth.
 */
health.get("/", async (c) => {
  const config = c.get("config");
  const errors = config.errors.map((e) => e.message);
  const warnings = config.warnings.map((e) => e.message);
  let storage = "ok";
  try {
    const [problems, held, stuck] = await Promise.all([
      listHealthProblems(c.env.DB),
      config.apiKey ? heldInvoices(c.env.DB, new Date(Date.now() - HELD_AFTER_MS)) : null,
      unhealthyDestinations(c.env.DB),
    ]);
    // Destinations by id only (a URL may carry a token): disabled stops delivery, an open circuit holds it.
    for (const d of stuck) {
      if (d.state === "disabled")
        errors.push(
          `destination ${d.id} is disabled (unreachable for DISABLE_AFTER_HOURS): its deliveries wait for POST /destinations/${d.id}/resume`,
        );
      else
        warnings.push(
          `destination ${d.id} is not reachable (circuit ${d.circuit_state} since ${d.opened_at}): its deliveries wait and one probe checks it`,
        );
    }
    for (const p of problems) errors.push(p.message);
    if (held?.exhausted)
      errors.push(`${held.exhausted} invoice(s) ran out of confirmation retries (CryptoCloud's API did not answer); re-checked every 6 h`);
    else if (held?.waiting) errors.push(`${held.waiting} invoice(s) have waited over an hour for confirmation by CryptoCloud's API`);
    if (held?.unconfirmed) warnings.push(`${held.unconfirmed} invoice(s) are unconfirmed: CryptoCloud's API says they are not paid`);
  } catch {
    storage = "unavailable";
    errors.push("D1 is unavailable: postbacks are answered 503");
  }
  const ok = errors.length === 0;
  return c.json(
    {
      status: ok ? "ok" : "unhealthy",
      errors,
      warnings,
      problems: config.errors.map(({ code, variable, affects }) => ({ code, variable, affects })),
      storage,
      forwarding: { destinations: config.forward.urls.length, signing_secrets: config.forward.secrets.length },
      confirmation: config.apiKey ? "api" : "off",
      reconciliation: config.apiKey && config.reconcile.intervalMinutes > 0 ? `every ${config.reconcile.intervalMinutes} min` : "off",
      alerts: config.alerts.urls.length,
      retention_days: config.retentionDays,
      reject_test_mode: config.rejectTestMode,
    },
    ok ? 200 : 503,
  );
});
