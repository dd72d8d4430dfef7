import { Hono } from "hono/tiny";
import type { AppEnv } from "../http/context";
import { queryOf } from "../http/query";
import { alertStats } from "../store/alerts";
import { destinationCounts } from "../store/destinations";
import { getJob, type JobRow } from "../store/jobs";
import { reconcileStates } from "../store/reconcile-state";
import { tableSizes } from "../store/retention";
import { countsByState, heldInvoices, pendingBacklog, recordedNotForwarded } from "../store/stats";
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
  const since = config.retentionDays > 0 ? new Date(now.getTime() - config.retentionDays * 86_400_000).toISOString() : "";
  const [counts, backlog, held, alerts, sizes, reconcileJob, retentionJob, notForwarded, states, perDestination] = await Promise.all([
    countsByState(db),
    pendingBacklog(db),
    heldInvoices(db, new Date(now.getTime() - HELD_AFTER_MS)),
    alertStats(db),
    tableSizes(db),
    getJob(db, "reconcile"),
    getJob(db, "retention"),
    recordedNotForwarded(db, config.rejectTestMode, since),
    reconcileStates(db),
    destinationCounts(db),
  ]);
  const withKey = config.projects.filter((p) => p.apiKey !== null);
  const interval = config.reconcile.intervalMinutes;
  const age = backlog.oldestSince === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(backlog.oldestSince)) / 1000));
  return c.json({
    projects: config.projects.map((p) => p.slug), // every configured project, `default` first when set
    ...counts,
    oldest_pending_delivery_age_seconds: age,
    deliveries_enqueue_failed: backlog.enqueueFailed,
    // Events that should have gone out and have no delivery (forwarding was misconfigured): the sweeper catches up.
    recorded_not_forwarded: notForwarded,
    confirmation: { waiting_over_an_hour: held.waiting, retries_exhausted: held.exhausted, unconfirmed: held.unconfirmed },
    reconciliation: {
      configured: withKey.length > 0, // some project has an API KEY: POST /reconcile works
      enabled: withKey.length > 0 && interval > 0, // and the cron runs it
      interval_minutes: interval,
      last_run_at: reconcileJob?.last_run_at ?? null,
      last_success_at: reconcileJob?.last_success_at ?? null,
      last_error: reconcileJob?.last_error ?? null,
      recovered_total: reconcileJob?.total ?? 0,
      in_progress: [...states.values()].some((s) => s.cursor_json !== null && !s.last_error),
      last_result: result(reconcileJob),
      projects: Object.fromEntries(
        config.projects.map((p) => {
          const s = states.get(p.slug);
          const cursor = s?.cursor_json ? (JSON.parse(s.cursor_json) as { offset: number }) : null;
          return [
            p.slug,
            {
              enabled: p.apiKey !== null && interval > 0,
              in_progress: cursor !== null,
              next_offset: cursor?.offset ?? null,
              pass_started_at: s?.pass_started_at ?? null,
              last_pass_at: s?.last_pass_at ?? null,
              last_run_at: s?.last_run_at ?? null,
              last_error: s?.last_error ?? null,
              consecutive_failures: s?.consecutive_failures ?? 0,
              recovered_total: s?.recovered_total ?? 0,
              last_result: s?.last_result_json ? JSON.parse(s.last_result_json) : null,
            },
          ];
        }),
      ),
    },
    destinations: perDestination,
    alerts: { destinations: config.alerts.urls.length, ...alerts },
    tables: sizes.rows,
    database_bytes: sizes.database_bytes,
    retention: {
      days: config.retentionDays,
      undelivered_days: config.undeliveredRetentionDays,
      last_prune_at: retentionJob?.last_run_at ?? null,
      last_prune: result(retentionJob),
      removed_total: retentionJob?.total ?? 0,
    },
  });
});
