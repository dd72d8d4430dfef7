import { Hono } from "hono/tiny";
import type { AppEnv } from "../http/context";
import { getFlags } from "../store/confirmations";

export const health = new Hono<AppEnv>();

/**
 * 200 when the Worker can do its job, 503 with the reasons when not: configuration errors found at
 * startup, problems found since (the API refusing the key), or D1 unreachable. Never shows a secret.
 */
health.get("/", async (c) => {
  const config = c.get("config");
  const errors = [...config.errors];
  let storage = "ok";
  try {
    for (const flag of await getFlags(c.env.DB)) errors.push(flag.value);
  } catch {
    storage = "unavailable";
    errors.push("D1 is unavailable: postbacks are answered 503");
  }
  const ok = errors.length === 0;
  return c.json(
    {
      status: ok ? "ok" : "unhealthy",
      errors,
      warnings: config.warnings,
      storage,
      forwarding: { destinations: config.forward.urls.length, signing_secrets: config.forward.secrets.length },
      confirmation: config.apiKey ? "api" : "off",
      reject_test_mode: config.rejectTestMode,
    },
    ok ? 200 : 503,
  );
});
