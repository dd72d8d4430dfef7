import { createMiddleware } from "hono/factory";
import { verifyAccessJwt } from "../auth/access-jwt";
import { accessKeys } from "../auth/access-keys";
import { bearerToken, secretsEqual } from "../auth/bearer";
import type { Config } from "../config";
import { type Actor, API_READ_TOKEN_ACTOR, API_TOKEN_ACTOR, type Scope } from "../domain/audit";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { clientIp } from "../http/rate-limit";
import { noteSignInFailure, signInShed } from "../http/sign-in-limit";
import { log } from "../log";

type Identified = { actor: Actor; scope: Scope } | { refused: string; via: "bearer" | "access"; counts: boolean } | null;

const READ_METHODS = ["GET", "HEAD"];
const ACCESS_COOKIE = /(?:^|;\s*)CF_Authorization=([^;\s]+)/;

/**
 * The read and admin API's door. A bearer token, when sent, decides: API_TOKEN may do everything,
 * an API_READ_TOKEN only read. Without one, a Cloudflare Access JWT (header or cookie) signs the
 * operator in with every scope. A refused credential is 401 (429 once the IP fails too often), a
 * read token on a POST/PATCH/DELETE is 403 before anything runs. Sets `actor` for the audit log.
 */
export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  const ip = clientIp(c.req.raw);
  if (signInShed(ip, Date.now())) return fail({ code: "rate_limited" });
  if (!config.apiToken && config.readTokens.length === 0 && !config.access) return fail({ code: "not_configured", missing: "API_TOKEN" });
  const found = await identify(c.req.raw, config);
  if (found === null) return fail({ code: "unauthorized" });
  if ("refused" in found) {
    log("warn", "auth.refused", { request_id: c.get("requestId"), via: found.via, reason: found.refused });
    if (found.counts && (await noteSignInFailure(c.env, ip, Date.now()))) return fail({ code: "rate_limited" });
    return fail({ code: "unauthorized" });
  }
  if (found.scope === "read" && !READ_METHODS.includes(c.req.method)) return fail({ code: "insufficient_scope" });
  c.set("actor", found.actor);
  c.set("scope", found.scope);
  await next();
});

async function identify(req: Request, config: Config): Promise<Identified> {
  const header = req.headers.get("authorization");
  if (header !== null) {
    const given = bearerToken(header);
    if (given === null) return { refused: "malformed_bearer", via: "bearer", counts: true };
    if (config.apiToken && (await secretsEqual(given, config.apiToken))) return { actor: API_TOKEN_ACTOR, scope: "all" };
    // Every read token is compared, matched or not: how many there are is no secret, which one matched stays one.
    const matches = await Promise.all(config.readTokens.map((t) => secretsEqual(given, t)));
    if (matches.includes(true)) return { actor: API_READ_TOKEN_ACTOR, scope: "read" };
    return { refused: "wrong_token", via: "bearer", counts: true };
  }
  const access = config.access;
  const jwt = req.headers.get("cf-access-jwt-assertion") ?? ACCESS_COOKIE.exec(req.headers.get("cookie") ?? "")?.[1] ?? null;
  if (!access || jwt === null) return null;
  // The cookie rides along on any request the browser makes: a change must come from our own page.
  const origin = req.headers.get("origin");
  if (!READ_METHODS.includes(req.method) && origin !== null && origin !== new URL(req.url).origin) {
    return { refused: "cross_origin", via: "access", counts: false };
  }
  const verified = await verifyAccessJwt(jwt, accessKeys(access.teamDomain), access, new Date());
  if (!verified.ok) return { refused: verified.error.reason, via: "access", counts: verified.error.reason !== "keys_unavailable" };
  return { actor: { kind: "access", id: verified.value.id }, scope: "all" };
}
