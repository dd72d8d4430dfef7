import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { deriveSecret } from "../auth/destination-secret";
import { checkDestination } from "../domain/destination";
import { parseFilter } from "../domain/destination-filter";
import { newDestinationId } from "../domain/destination-id";
import { showDestination } from "../domain/destination-view";
import { fail } from "../domain/errors";
import type { AppEnv } from "../http/context";
import { jsonObject } from "../http/json-body";
import { auditStatement } from "../store/audit";
import type { AuditFor } from "../store/destination-writes";
import { insertDestination, removeDestination, updateDestination } from "../store/destination-writes";
import { filterJson, getDestination, listDestinations, syncConfigStatements } from "../store/destinations";
import { requireApiToken } from "./auth";
import { destinationActions } from "./destination-actions";

/** Every destination route needs the operator token; every change writes one audit entry in its own batch. */
export const destinations = new Hono<AppEnv>();
destinations.use("*", requireApiToken);

type Ctx = Context<AppEnv, string>;

/** The audit entry of this request's action, for the store to put after the change it depends on. */
export const auditFor =
  (c: Ctx, action: string, target: string | null, summary: Record<string, unknown>, now: Date): AuditFor =>
  (when, countKey) =>
    auditStatement(c.env.DB, { actor: c.get("actor"), action, target, requestId: c.get("requestId"), summary }, now, when, countKey);

/** The destination, or 404. */
export async function known(c: Ctx, id: string) {
  const d = await getDestination(c.env.DB, id);
  return d ?? fail({ code: "not_found" });
}

const url = (c: Ctx, raw: unknown): string => {
  const checked = typeof raw === "string" ? checkDestination(raw, c.get("config").forward.allowPrivate) : null;
  return checked?.ok ? checked.value : fail({ code: "invalid_field", field: "url", reason: checked ? checked.error : "must be a string" });
};
const description = (raw: unknown): string | null =>
  raw === undefined || raw === null
    ? null
    : typeof raw === "string" && raw.length <= 200 && !/[\u0000-\u001f]/.test(raw)
      ? raw
      : fail({ code: "invalid_field", field: "description", reason: "must be text of at most 200 characters" });
const filter = (raw: unknown) => {
  const parsed = parseFilter(raw);
  return parsed.ok ? parsed.value : fail({ code: "invalid_field", field: parsed.error.field, reason: parsed.error.reason });
};

destinations.get("/", async (c) => {
  const config = c.get("config");
  const sync = syncConfigStatements(c.env.DB, config.forward.configDestinations, new Date().toISOString(), true);
  return c.json({ destinations: (await listDestinations(c.env.DB, sync)).map(showDestination) });
});

destinations.post("/", async (c) => {
  const body = await jsonObject(c.req.raw, ["url", "description", "filter"]);
  const key = c.get("config").forward.destinationSecretsKey;
  const d = {
    id: newDestinationId(),
    url: url(c, body.url),
    description: description(body.description),
    filterJson: filterJson(filter(body.filter)),
  };
  if (!key) return fail({ code: "not_enabled", variable: "DESTINATION_SECRETS_KEY", feature: "API destinations" });
  const now = new Date();
  const result = await insertDestination(c.env.DB, d, now, auditFor(c, "destination.create", d.id, { url_host: new URL(d.url).host }, now));
  if (result === "too_many") return fail({ code: "conflict", field: "url", reason: "20 API destinations exist already; delete one first" });
  if (result === "duplicate_url") return fail({ code: "conflict", field: "url", reason: "a destination with this URL exists" });
  const created = await known(c, d.id);
  return c.json({ destination: showDestination(created), secret: await deriveSecret(key, d.id, 1) }, 201);
});

destinations.get("/:id", async (c) => c.json({ destination: showDestination(await known(c, c.req.param("id"))) }));

const refuseConfig = (managedBy: string) =>
  managedBy === "config"
    ? fail({ code: "conflict", field: "managed_by", reason: "a config destination (FORWARD_URL) is changed by changing FORWARD_URL" })
    : null;

destinations.patch("/:id", async (c) => {
  const id = c.req.param("id");
  const body = await jsonObject(c.req.raw, ["url", "description", "filter"]);
  refuseConfig((await known(c, id)).managed_by);
  const patch = {
    url: body.url === undefined ? null : url(c, body.url),
    description: body.description === undefined ? undefined : description(body.description),
    filterJson: body.filter === undefined ? null : filterJson(filter(body.filter)),
  };
  const now = new Date();
  const fields = Object.keys(body);
  if (!(await updateDestination(c.env.DB, id, patch, now, auditFor(c, "destination.update", id, { fields }, now))))
    return fail({ code: "conflict", field: "url", reason: "a destination with this URL exists" });
  return c.json({ destination: showDestination(await known(c, id)) });
});

destinations.delete("/:id", async (c) => {
  const id = c.req.param("id");
  refuseConfig((await known(c, id)).managed_by);
  const now = new Date();
  const canceled = await removeDestination(c.env.DB, id, now, auditFor(c, "destination.delete", id, {}, now));
  if (canceled === null) return fail({ code: "not_found" });
  return c.json({ deleted: id, canceled });
});

destinations.route("/", destinationActions);
