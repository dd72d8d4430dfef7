import { Hono } from "hono/tiny";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { cursorParam, enumParam, limitParam, queryOf, required, sinceParam, textParam } from "../http/query";
import { auditStatement } from "../store/audit";
import { type DeliveryState, getDelivery, listDeliveries, redeliverByState } from "../store/deliveries";
import { enqueueDeliveries } from "../store/outbox";
import { requireApiToken } from "./auth";

export const deliveries = new Hono<AppEnv>();
deliveries.use("*", requireApiToken);

const STATES: readonly DeliveryState[] = ["pending", "delivered", "failed", "exhausted"];

deliveries.get("/", async (c) => {
  const q = queryOf(c.req.url, ["state", "limit", "cursor", "project"]);
  const { rows, next } = await listDeliveries(c.env.DB, {
    state: enumParam(q.state, "state", STATES),
    limit: limitParam(q.limit),
    cursor: cursorParam(q.cursor),
    project: textParam(q.project, "project"),
  });
  return c.json({ deliveries: rows, next_cursor: next });
});

deliveries.get("/:delivery_id", async (c) => {
  queryOf(c.req.url, []);
  const found = await getDelivery(c.env.DB, c.req.param("delivery_id"));
  return found ? c.json({ ...found.delivery, attempts: found.attempts }) : fail({ code: "not_found" });
});

/**
 * Bulk replay after an outage: `state` exhausted (default) or failed, that reached it `since`. At most
 * BULK_REDELIVER_MAX a call, oldest first; `more: true` says to call again.
 */
deliveries.post("/redeliver", async (c) => {
  const q = queryOf(c.req.url, ["state", "since"]);
  const config = c.get("config");
  const state = enumParam(q.state, "state", ["exhausted", "failed"] as const) ?? "exhausted";
  const since = required(sinceParam(q.since), "since");
  if (config.forward.urls.length === 0) return fail({ code: "not_enabled", variable: "FORWARD_URL", feature: "Redelivery" });
  const now = new Date();
  const audit = auditStatement(
    c.env.DB,
    { actor: c.get("actor"), action: "deliveries.redeliver", target: null, requestId: c.get("requestId"), summary: { state, since } },
    now,
    undefined,
    "count",
  );
  const { ids, more } = await redeliverByState(c.env.DB, state, since, config.rejectTestMode, now, audit);
  await enqueueDeliveries(c.env.DELIVERIES, c.env.DB, ids, now);
  return c.json({ state, since, count: ids.length, more }, 202);
});
