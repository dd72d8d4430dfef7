import { Hono } from "hono/tiny";
import { DELIVERY_STATES, REDELIVERABLE_STATES } from "../domain/delivery-state";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { cursorParam, enumParam, limitParam, queryOf, required, sinceParam, textParam } from "../http/query";
import { auditStatement } from "../store/audit";
import { getDelivery, listDeliveries, redeliverByState } from "../store/deliveries";
import { anyDestination, syncConfigStatements } from "../store/destinations";
import { enqueueDeliveries } from "../store/outbox";
import { requireApiToken } from "./auth";

export const deliveries = new Hono<AppEnv>();
deliveries.use("*", requireApiToken);

deliveries.get("/", async (c) => {
  const q = queryOf(c.req.url, ["state", "limit", "cursor", "project"]);
  const { rows, next } = await listDeliveries(c.env.DB, {
    state: enumParam(q.state, "state", DELIVERY_STATES),
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
 * Bulk replay after an outage: `state` exhausted (default), failed or canceled, that reached it `since`,
 * to destinations that exist now (the rest become `canceled`, counted). At most BULK_REDELIVER_MAX a
 * call, oldest first; `more: true` says to call again.
 */
deliveries.post("/redeliver", async (c) => {
  const q = queryOf(c.req.url, ["state", "since"]);
  const config = c.get("config");
  const state = enumParam(q.state, "state", REDELIVERABLE_STATES) ?? "exhausted";
  const since = required(sinceParam(q.since), "since");
  const now = new Date();
  const sync = syncConfigStatements(c.env.DB, config.forward.configDestinations, now.toISOString(), true);
  if (!(await anyDestination(c.env.DB, sync, config.forward.configDestinations)))
    return fail({ code: "not_enabled", variable: "FORWARD_URL", feature: "Redelivery" });
  const audit = auditStatement(
    c.env.DB,
    { actor: c.get("actor"), action: "deliveries.redeliver", target: null, requestId: c.get("requestId"), summary: { state, since } },
    now,
    undefined,
    "count",
  );
  const { ids, canceled, more } = await redeliverByState(
    c.env.DB,
    state,
    since,
    config.rejectTestMode,
    now,
    audit,
    config.forward.configDestinations,
  );
  await enqueueDeliveries(c.env.DELIVERIES, c.env.DB, ids, now);
  return c.json({ state, since, count: ids.length, canceled, more }, 202);
});
