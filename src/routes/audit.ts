import { Hono } from "hono/tiny";
import { toPublicAudit } from "../domain/audit";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { cursorParam, limitParam, queryOf, sinceParam } from "../http/query";
import { listAudit } from "../store/audit";
import { requireApiToken } from "./auth";

/** GET /audit: the record of operator actions, newest first (the operator token, a read token or Access). */
export const audit = new Hono<AppEnv>();
audit.use("*", requireApiToken);

const ACTION = /^[a-z0-9_]{1,40}\.[a-z0-9_]{1,40}$/;

audit.get("/", async (c) => {
  const q = queryOf(c.req.url, ["since", "action", "limit", "cursor"]);
  const action = q.action === undefined || q.action === "" ? null : q.action;
  if (action !== null && !ACTION.test(action)) fail({ code: "invalid_query", field: "action", problem: "invalid" });
  const { rows, next } = await listAudit(c.env.DB, {
    limit: limitParam(q.limit),
    cursor: cursorParam(q.cursor),
    since: sinceParam(q.since),
    action,
  });
  return c.json({ entries: rows.map(toPublicAudit), next_cursor: next });
});
