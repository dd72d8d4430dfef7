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
 * One reconciliation now, over `since` (YYYY-MM-DD) to today, or the lookback. 200 with the summary;
 * 202 when it stopped at the request bound (the cron continues it); 502 when the API failed.
 */
reconcileRoute.post("/", async (c) => {
  const q = queryOf(c.req.url, ["since"]);
  const now = new Date();
  if (!c.get("config").apiKey) return fail({ code: "not_enabled", variable: "CRYPTOCLOUD_API_KEY", feature: "Reconciliation" });
  const since =
    q.since === undefined ? null : (parseSinceDay(q.since, now) ?? fail({ code: "invalid_query", field: "since", problem: "invalid" }));
  const result = await reconcile(c.env, now, { force: true, since });
  if (result === null) return fail({ code: "job_running", job: "reconciliation" });
  if (!result.ok && result.failure.code === "multiple_projects") {
    return fail({ code: "not_enabled", variable: "CRYPTOCLOUD_PROJECT_ID", feature: "Reconciliation (the API key sees several projects)" });
  }
  if (!result.ok) return fail({ code: "upstream_failed", reason: result.failure.detail });
  const { more, ...summary } = result.summary;
  return c.json(more ? { ...summary, more } : summary, more ? 202 : 200);
});

/** A `test` alert to every ALERT_URL now, with each one's HTTP status. */
alertsRoute.post("/test", async (c) => {
  queryOf(c.req.url, []);
  if (c.get("config").alerts.urls.length === 0) return fail({ code: "not_enabled", variable: "ALERT_URL", feature: "Alerts" });
  return c.json({ results: await sendTestAlerts(c.env, new Date()) });
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
