import { Hono } from "hono/tiny";
import type { AppEnv } from "../http/context";
import { queryOf } from "../http/query";
import { alertStats } from "../store/alerts";
import { destinationCounts } from "../store/destinations";
import { getJob, type JobRow } from "../store/jobs";
import { tableSizes } from "../store/retention";
import { countsByState, heldInvoices, pendingBacklog } from "../store/stats";
import { requireApiToken } from "./auth";

export const stats = new Hono<AppEnv>();
stats.use("*", requireApiToken);

const HELD_AFTER_MS = 3600_000;
const result = (job: JobRow | null): Record<string, unknown> | null => (job?.last_result_json ? JSON.parse(job.last_result_json) : null);

stats.get("/", async (c) => {
  queryOf(c.req.url, []);
  const config = c.get("config");
  const now = new Date();
  const db = c.env.DB;
  const [counts, backlog, held, alerts, sizes, reconcileJob, retentionJob, perDestination] = await Promise.all([
    countsByState(db),
    pendingBacklog(db),
    heldInvoices(db, new Date(now.getTime() - HELD_AFTER_MS)),
    alertStats(db),
    tableSizes(db),
    getJob(db, "reconcile"),
    getJob(db, "retention"),
    destinationCounts(db),
  ]);
  const age = backlog.oldestSince === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(backlog.oldestSince)) / 1000));
  return c.json({
    ...counts,
    oldest_pending_delivery_age_seconds: age,
    deliveries_enqueue_failed: backlog.enqueueFailed,
    confirmation: { waiting_over_an_hour: held.waiting, retries_exhausted: held.exhausted, unconfirmed: held.unconfirmed },
    reconciliation: {
      configured: config.apiKey !== null, // CRYPTOCLOUD_API_KEY is set: POST /reconcile works
      enabled: config.apiKey !== null && config.reconcile.intervalMinutes > 0, // and the cron runs it
      interval_minutes: config.reconcile.intervalMinutes,
      last_run_at: reconcileJob?.last_run_at ?? null,
      last_success_at: reconcileJob?.last_success_at ?? null,
      last_error: reconcileJob?.last_error ?? null,
      recovered_total: reconcileJob?.total ?? 0,
      in_progress: reconcileJob?.cursor_json != null && !reconcileJob.last_error,
      last_result: result(reconcileJob),
    },
    destinations: perDestination,
    alerts: { destinations: config.alerts.urls.length, ...alerts },
    tables: sizes.rows,
    database_bytes: sizes.database_bytes,
    retention: {
      days: config.retentionDays,
      last_prune_at: retentionJob?.last_run_at ?? null,
      last_prune: result(retentionJob),
      removed_total: retentionJob?.total ?? 0,
    },
  });
});
