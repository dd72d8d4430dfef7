import { Hono } from "hono/tiny";
import type { AppEnv } from "../http/context";
import { queryOf } from "../http/query";
import { requireApiToken } from "./auth";

/** GET /session: who this request is signed in as, and what it may do; the page asks it first. */
export const session = new Hono<AppEnv>();
session.use("*", requireApiToken);

session.get("/", (c) => {
  queryOf(c.req.url, []);
  return c.json({ actor: c.get("actor"), scope: c.get("scope") });
});
