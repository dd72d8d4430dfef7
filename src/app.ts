import { Hono } from "hono/tiny";
import { getConfig } from "./config";
import { thrownError } from "./domain/errors";
import type { AppEnv } from "./http/context";
import { problemResponse } from "./http/problem";
import { log } from "./log";
import { alertsRoute, reconcileRoute } from "./routes/admin";
import { audit } from "./routes/audit";
import { deliveries } from "./routes/deliveries";
import { destinations } from "./routes/destinations";
import { health } from "./routes/health";
import { invoices } from "./routes/invoices";
import { postback } from "./routes/postback";
import { reports } from "./routes/reports";
import { session } from "./routes/session";
import { stats } from "./routes/stats";

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("started", performance.now());
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    c.set("config", getConfig(c.env));
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });

  app.route("/postback", postback);
  app.route("/health", health);
  app.route("/invoices", invoices);
  app.route("/deliveries", deliveries);
  app.route("/destinations", destinations);
  app.route("/stats", stats);
  app.route("/reconcile", reconcileRoute);
  app.route("/alerts", alertsRoute);
  app.route("/audit", audit);
  app.route("/session", session);
  app.route("/", reports); // /reports/daily and /invoices.csv

  app.notFound((c) => problemResponse({ code: "not_found" }, c.get("requestId")));

  // The one place errors become responses. Known failures are logged with their detail; anything
  // else is an internal error whose message stays in the logs.
  app.onError((e, c) => {
    const requestId = c.get("requestId") ?? "unknown";
    const error = thrownError(e);
    const level = error.code === "internal" || error.code === "store_unavailable" || error.code === "schema_pending" ? "error" : "warn";
    const latency_ms = Math.round(performance.now() - (c.get("started") ?? performance.now()));
    log(level, "request.failed", { request_id: requestId, method: c.req.method, path: c.req.path, latency_ms, ...error });
    const res = problemResponse(error, requestId);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
    return res;
  });
  return app;
}
