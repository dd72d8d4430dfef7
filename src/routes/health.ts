import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const health = new Hono<AppEnv>();

/** 200 when the configuration is usable, 503 with the reasons when not. Never shows a secret. */
health.get("/", (c) => {
  const config = c.get("config");
  const ok = config.errors.length === 0;
  return c.json(
    {
      status: ok ? "ok" : "misconfigured",
      errors: config.errors,
      warnings: config.warnings,
      forwarding: { destinations: config.forward.urls.length, signing_secrets: config.forward.secrets.length },
      confirmation: config.apiKey ? "api" : "off",
    },
    ok ? 200 : 503,
  );
});
