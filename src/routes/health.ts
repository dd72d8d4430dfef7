import { Hono } from "hono/tiny";
import { isSchemaMissing } from "../domain/errors";
import { passIsStale, STALE_INTERVALS } from "../domain/reconcile-due";
import type { AppEnv } from "../http/context";
import { unhealthyDestinations } from "../store/destinations";
import { listHealthProblems } from "../store/health";
import { reconcileStates } from "../store/reconcile-state";
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
  const interval = config.reconcile.intervalMinutes;
  const withKey = config.projects.filter((p) => p.apiKey !== null);
  const now = new Date();
  let storage = "ok";
  try {
    const [problems, held, states, stuck] = await Promise.all([
      listHealthProblems(c.env.DB),
      withKey.length ? heldInvoices(c.env.DB, new Date(now.getTime() - HELD_AFTER_MS)) : null,
      withKey.length && interval > 0 ? reconcileStates(c.env.DB) : null,
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
    // Slugs come from the configuration, never from the API's replies: /health names problems, not data.
    for (const p of withKey)
      if (states && passIsStale(states.get(p.slug), now, interval))
        errors.push(
          `Reconciliation of project "${p.slug}" has not completed a full pass in ${STALE_INTERVALS} intervals (${STALE_INTERVALS * interval} min): paid invoices whose postback was lost may be missing`,
        );
    if (held?.exhausted)
      errors.push(`${held.exhausted} invoice(s) ran out of confirmation retries (CryptoCloud's API did not answer); re-checked every 6 h`);
    else if (held?.waiting) errors.push(`${held.waiting} invoice(s) have waited over an hour for confirmation by CryptoCloud's API`);
    if (held?.unconfirmed) warnings.push(`${held.unconfirmed} invoice(s) are unconfirmed: CryptoCloud's API says they are not paid`);
  } catch (e) {
    // A database that answers without our tables is a deploy whose migrations have not run yet.
    storage = isSchemaMissing(e) ? "migrations_pending" : "unavailable";
    errors.push(
      storage === "unavailable"
        ? "D1 is unavailable: postbacks are answered 503"
        : "D1 migrations are pending: postbacks are answered 503 until they are applied (npm run deploy)",
    );
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
      confirmation: withKey.length ? "api" : "off",
      reconciliation: withKey.length && interval > 0 ? `every ${interval} min` : "off",
      projects: config.projects.map((p) => ({
        slug: p.slug,
        confirmation: p.apiKey ? "api" : "off",
        reconciliation: p.apiKey && interval > 0 ? `every ${interval} min` : "off",
      })),
      alerts: config.alerts.urls.length,
      retention_days: config.retentionDays,
      audit_retention_days: config.auditRetentionDays,
      access: config.access ? "on" : "off", // Cloudflare Access sign-in (ACCESS_TEAM_DOMAIN and ACCESS_AUD)
      reject_test_mode: config.rejectTestMode,
    },
    ok ? 200 : 503,
  );
});
