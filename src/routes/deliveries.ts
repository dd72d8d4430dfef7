import { Hono } from "hono/tiny";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { cursorParam, enumParam, limitParam, sinceParam } from "../http/query";
import { type DeliveryState, listDeliveries, redeliverByState } from "../store/deliveries";
import { enqueueDeliveries } from "../store/outbox";
import { requireApiToken } from "./auth";

export const deliveries = new Hono<AppEnv>();
deliveries.use("*", requireApiToken);

const STATES: readonly DeliveryState[] = ["pending", "delivered", "failed", "exhausted"];

deliveries.get("/", async (c) => {
  const q = c.req.query();
  const { rows, next } = await listDeliveries(c.env.DB, {
    state: enumParam(q.state, "state", STATES),
    limit: limitParam(q.limit),
    cursor: cursorParam(q.cursor),
  });
  return c.json({ deliveries: rows, next_cursor: next });
});

/** Bulk replay after an outage: `state` exhausted (default) or failed, that reached it `since`. */
deliveries.post("/redeliver", async (c) => {
  const q = c.req.query();
  const state = enumParam(q.state, "state", ["exhausted", "failed"] as const) ?? "exhausted";
  const since = sinceParam(q.since) ?? fail({ code: "invalid_query", field: "since" });
  const ids = await redeliverByState(c.env.DB, state, since, new Date());
  await enqueueDeliveries(c.env.DELIVERIES, ids);
  return c.json({ state, since, count: ids.length }, 202);
});
