import { Hono } from "hono/tiny";
import { deriveSecret, signingSecrets } from "../auth/destination-secret";
import { releaseAll } from "../delivery/release";
import { sendTestEvent } from "../delivery/test-event";
import { checkDestination } from "../domain/destination";
import { ROTATION_DEFAULT_SECONDS, ROTATION_MAX_SECONDS, showDestination } from "../domain/destination-view";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { jsonObject } from "../http/json-body";
import { rotateSecret, setDestinationState } from "../store/destination-writes";
import { auditFor, known } from "./destinations";

/** Pause, resume, rotate the secret, send a test, show the secret: each on one destination. */
export const destinationActions = new Hono<AppEnv>();

const noSecrets = () => fail({ code: "not_enabled", variable: "DESTINATION_SECRETS_KEY", feature: "API destinations' secrets" });
const apiOnly = (managedBy: string, what: string) =>
  managedBy === "config"
    ? fail({ code: "conflict", field: "managed_by", reason: `a config destination's ${what} is FORWARD_SECRET` })
    : null;

for (const [action, state] of [
  ["pause", "paused"],
  ["resume", "active"],
] as const) {
  destinationActions.post(`/:id/${action}`, async (c) => {
    const id = c.req.param("id");
    await jsonObject(c.req.raw, []);
    const before = await known(c, id);
    const now = new Date();
    await setDestinationState(c.env.DB, id, state, now, auditFor(c, `destination.${action}`, id, { from: before.state }, now));
    // Resume releases every held delivery at once (each once: the release claims them); the cron finishes a long one.
    if (state === "active") c.executionCtx.waitUntil(releaseAll(c.env, id, now));
    return c.json({ destination: showDestination(await known(c, id)) });
  });
}

destinationActions.post("/:id/rotate-secret", async (c) => {
  const id = c.req.param("id");
  const body = await jsonObject(c.req.raw, ["expires_in_seconds"]);
  const seconds = body.expires_in_seconds ?? ROTATION_DEFAULT_SECONDS;
  if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0 || seconds > ROTATION_MAX_SECONDS)
    fail({
      code: "invalid_field",
      field: "expires_in_seconds",
      reason: `must be a whole number of seconds from 0 to ${ROTATION_MAX_SECONDS}`,
    });
  apiOnly((await known(c, id)).managed_by, "secret");
  const key = c.get("config").forward.destinationSecretsKey ?? noSecrets();
  const now = new Date();
  const previousExpiresAt = new Date(now.getTime() + Number(seconds) * 1000).toISOString();
  const generation = await rotateSecret(
    c.env.DB,
    id,
    previousExpiresAt,
    now,
    auditFor(c, "destination.rotate_secret", id, { expires_in_seconds: seconds }, now),
  );
  if (generation === null) return fail({ code: "not_found" });
  return c.json({ secret: await deriveSecret(key, id, generation), previous_expires_at: previousExpiresAt });
});

destinationActions.get("/:id/secret", async (c) => {
  const d = await known(c, c.req.param("id"));
  apiOnly(d.managed_by, "secret");
  const key = c.get("config").forward.destinationSecretsKey ?? noSecrets();
  return c.json({ secret: await deriveSecret(key, d.id, d.secret_generation), previous_expires_at: d.previous_expires_at });
});

/** A signed `destination.test` event, sent now, outside the outbox: the answer is the attempt. */
destinationActions.post("/:id/test", async (c) => {
  const d = await known(c, c.req.param("id"));
  await jsonObject(c.req.raw, []);
  const config = c.get("config");
  const now = new Date();
  const secrets = await signingSecrets(d, config.forward.usable ? config.forward.secrets : null, config.forward.destinationSecretsKey, now);
  if (!secrets)
    return fail({
      code: "not_enabled",
      variable: d.managed_by === "config" ? "FORWARD_SECRET" : "DESTINATION_SECRETS_KEY",
      feature: "Test events",
    });
  const allowed = checkDestination(d.url, config.forward.allowPrivate);
  if (!allowed.ok) return fail({ code: "invalid_field", field: "url", reason: allowed.error });
  const attempt = await sendTestEvent(d.url, d.id, secrets, config.forward.timeoutMs, now);
  await auditFor(
    c,
    "destination.test",
    d.id,
    { status_code: attempt.status_code, error: attempt.error },
    now,
  )({ sql: "1", params: [] }).run();
  return c.json({ attempt });
});
