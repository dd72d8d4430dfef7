import { Hono } from "hono/tiny";
import { digestOf } from "../alerts/digest";
import { sendTestAlerts } from "../alerts/test-alert";
import { fail } from "../domain/errors";
import { parseSinceDay } from "../domain/reconcile";
import { utcDay } from "../domain/report-range";
import type { AppEnv } from "../http/context";
import { queryOf } from "../http/query";
import { reconcile } from "../reconcile/run";
import { auditStatement } from "../store/audit";
import { queueDigest } from "../store/digests";
import { enqueue } from "../store/outbox";
import { requireApiToken } from "./auth";

/** Actions an operator triggers: reconcile now (/reconcile), test the alert setup (/alerts/test). */
export const reconcileRoute = new Hono<AppEnv>();
reconcileRoute.use("*", requireApiToken);
export const alertsRoute = new Hono<AppEnv>();
alertsRoute.use("*", requireApiToken);

/**
 * One reconciliation now, of every project with an API KEY, over `since` (YYYY-MM-DD) to today, or
 * the lookback (an unfinished pass resumes where it stopped). 200 with the summary (totals, and
 * `projects` by slug); 202 when it stopped at the request bound (the cron continues it); 502 when
 * the API failed for every project. Its audit entry commits with the first page it records.
 */
reconcileRoute.post("/", async (c) => {
  const q = queryOf(c.req.url, ["since"]);
  const now = new Date();
  const config = c.get("config");
  if (!config.projects.some((p) => p.apiKey))
    return fail({ code: "not_enabled", variable: "CRYPTOCLOUD_API_KEY", feature: "Reconciliation" });
  const since =
    q.since === undefined ? null : (parseSinceDay(q.since, now) ?? fail({ code: "invalid_query", field: "since", problem: "invalid" }));
  const entry = {
    actor: c.get("actor"),
    action: "reconcile.run",
    target: null,
    requestId: c.get("requestId"),
    summary: { since: q.since ?? null },
  };
  const run = await reconcile(c.env, config, now, { force: true, since, audit: auditStatement(c.env.DB, entry, now) });
  if (run === null) return fail({ code: "job_running", job: "reconciliation" });
  const results = Object.values(run);
  const failures = results.map((r) => r.failure);
  if (failures.every((f) => f?.code === "multiple_projects")) {
    const variable = run.default ? "CRYPTOCLOUD_PROJECT_ID" : "CRYPTOCLOUD_PROJECTS (project_id)";
    return fail({ code: "not_enabled", variable, feature: "Reconciliation (the API key sees several projects)" });
  }
  if (failures.every((f) => f !== null)) return fail({ code: "upstream_failed", reason: failures.map((f) => f?.detail).join("; ") });
  const more = results.some((r) => r.more);
  const projects = Object.fromEntries(
    Object.entries(run).map(([slug, { failure, more: m, ...s }]) => [
      slug,
      { ...s, ...(m ? { more: m } : {}), error: failure?.detail ?? null },
    ]),
  );
  const summary = {
    checked: results.reduce((n, r) => n + r.checked, 0),
    recovered: results.flatMap((r) => r.recovered),
    already_recorded: results.reduce((n, r) => n + r.already_recorded, 0),
    ignored: results.reduce((n, r) => n + r.ignored, 0),
    ...(more ? { more } : {}),
    projects,
  };
  return c.json(summary, more ? 202 : 200);
});

/** A `test` alert to every ALERT_URL now, with each one's HTTP status. */
alertsRoute.post("/test", async (c) => {
  queryOf(c.req.url, []);
  if (c.get("config").alerts.urls.length === 0) return fail({ code: "not_enabled", variable: "ALERT_URL", feature: "Alerts" });
  const now = new Date();
  const results = await sendTestAlerts(c.env, now);
  // Nothing in D1 changes here (the alerts go straight out), so the entry is a batch of one, written
  // once the answers are in: it records what was sent and how each destination answered.
  const delivered = results.filter((r) => r.error === null).length;
  const summary = { destinations: results.length, delivered };
  await auditStatement(
    c.env.DB,
    { actor: c.get("actor"), action: "alert.test", target: null, requestId: c.get("requestId"), summary },
    now,
  ).run();
  return c.json({ results });
});

/** Today's digest so far (UTC) to every ALERT_URL through the alert outbox, to try the digest without waiting for DIGEST_HOUR_UTC. */
alertsRoute.post("/digest", async (c) => {
  queryOf(c.req.url, []);
  const urls = c.get("config").alerts.urls;
  if (urls.length === 0) return fail({ code: "not_enabled", variable: "ALERT_URL", feature: "The digest" });
  const now = new Date();
  const data = await digestOf(c.env.DB, utcDay(now), true);
  const audit = auditStatement(
    c.env.DB,
    {
      actor: c.get("actor"),
      action: "alert.digest",
      target: data.date,
      requestId: c.get("requestId"),
      summary: { alerts: urls.length, invoices: data.invoices },
    },
    now,
  );
  const ids = await queueDigest(c.env.DB, urls, data, now, audit);
  await enqueue(c.env.DELIVERIES, "alert", ids);
  return c.json({ date: data.date, alerts: ids }, 202);
});
