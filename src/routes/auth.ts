import { createMiddleware } from "hono/factory";
import { bearerToken, secretsEqual } from "../auth/bearer";
import { API_TOKEN_ACTOR } from "../domain/audit";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";

/** Bearer API_TOKEN for the read and admin API, compared in constant time. */
export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.get("config").apiToken;
  if (!expected) return fail({ code: "not_configured", missing: "API_TOKEN" });
  const given = bearerToken(c.req.header("authorization") ?? null);
  if (given === null || !(await secretsEqual(given, expected))) return fail({ code: "unauthorized" });
  c.set("actor", API_TOKEN_ACTOR);
  await next();
});
