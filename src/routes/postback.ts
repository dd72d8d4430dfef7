import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { AppFailure, fail, storeFailure } from "../domain/errors";
import { projectOf, tryOrder } from "../domain/projects";
import { postbackFields } from "../http/body";
import type { AppEnv } from "../http/context";
import { clientIp, isShed, noteRefusal, withinLimit } from "../http/rate-limit";
import { acceptPostback } from "../ingest/accept";
import { log } from "../log";
import { PROJECT_CONFLICT, recordPostback } from "../store/ledger";
import { enqueue, enqueueDeliveries } from "../store/outbox";
import { projectInvoice } from "../store/projection";

type PostbackEnv = { Bindings: Env; Variables: AppEnv["Variables"] & { withinLimit: () => Promise<boolean> } };

export const postback = new Hono<PostbackEnv>();

const REFUSALS = new Set(["malformed_body", "invalid_field", "invalid_token", "unsupported_media_type", "payload_too_large"]);

/**
 * Rate limits. The failure limiter sheds only what does not verify: a shed IP still gets its body
 * read (at most 64 KiB) and its token checked (one HMAC), because CryptoCloud sends every postback
 * from a few servers, and a correctly signed one must never be lost to someone else's refusals
 * from the same address. Anything from a shed IP that does not verify is a 429, without the
 * limiter calls. The generous per-IP count runs while the body is parsed and verified, and gates
 * only the D1 write; refused postbacks are counted against the strict limiter after the response.
 */
postback.use("*", async (c, next) => {
  const ip = clientIp(c.req.raw);
  const shed = isShed(ip, Date.now());
  if (shed) c.set("withinLimit", () => withinLimit(c.env, ip));
  else {
    const within = withinLimit(c.env, ip);
    within.catch(() => {}); // awaited before the write; a refused postback never waits for it
    c.set("withinLimit", () => within);
  }
  await next();
  // hono's compose has already turned a thrown error into the response and kept it in c.error.
  const e = c.error;
  if (!(e instanceof AppFailure && REFUSALS.has(e.error.code))) return;
  if (shed) fail({ code: "rate_limited" }); // thrown here, it becomes this response through the same onError
  c.executionCtx.waitUntil(noteRefusal(c.env, ip, Date.now()));
});

/**
 * CryptoCloud's "URL for notifications": `/postback` for any configured project (the one whose key
 * verifies the token), `/postback/<slug>` for that project only. 200 means the postback is in D1;
 * everything that can wait (KV projection, enqueue) runs after the response, with the sweeper behind it.
 */
postback.post("/", (c) => receive(c, null));
postback.post("/:slug", (c) => receive(c, c.req.param("slug")));

async function receive(c: Context<PostbackEnv>, slug: string | null): Promise<Response> {
  const config = c.get("config");
  const requestId = c.get("requestId");
  if (config.postbacksBlockedBy) fail({ code: "not_configured", missing: config.postbacksBlockedBy });
  const only = slug === null ? null : (projectOf(config.projects, slug) ?? fail({ code: "not_found" }));
  const now = new Date();

  const { fields, format } = await postbackFields(c.req.raw);
  const options = {
    rejectTestMode: config.rejectTestMode,
    configDestinations: config.forward.configDestinations,
    contentType: format,
    requestId,
  };
  const candidates = (p: { projectHint: string | null }) => (only ? [only] : tryOrder(config.projects, p.projectHint));
  const accepted = await acceptPostback(fields, candidates, options, now);
  if (!accepted.ok) return fail(accepted.error);
  const { postback: p, project, entry, keyIndex } = accepted.value;
  if (!(await c.get("withinLimit")())) fail({ code: "rate_limited" });

  let result: Awaited<ReturnType<typeof recordPostback>>;
  try {
    result = await recordPostback(c.env.DB, entry, now);
  } catch (e) {
    return fail(storeFailure(e));
  }
  if (result === PROJECT_CONFLICT) {
    log("error", "postback.project_conflict", { request_id: requestId, invoice_id: p.invoiceId, project: project.slug });
    return fail({ code: "project_conflict", project: project.slug });
  }

  c.executionCtx.waitUntil(
    Promise.allSettled([
      result.changed ? projectInvoice(c.env.INVOICES, result.invoice) : null,
      enqueueDeliveries(c.env.DELIVERIES, c.env.DB, result.deliveryIds, now),
      entry.confirm ? enqueue(c.env.DELIVERIES, "confirmation", [p.invoiceId]) : null,
    ]).then((settled) => {
      for (const s of settled)
        if (s.status === "rejected") log("warn", "postback.after_commit_failed", { request_id: requestId, error: String(s.reason) });
    }),
  );
  log("info", "postback.accepted", {
    request_id: requestId,
    invoice_id: p.invoiceId,
    status: result.invoice.status,
    claimed_status: p.status,
    format,
    api_version: p.apiVersion,
    duplicate: result.invoice.postback_count > 1,
    deliveries: result.deliveryIds.length,
    project: project.slug,
    key_index: keyIndex,
    latency_ms: Math.round(performance.now() - c.get("started")),
  });
  return c.json({ message: "Postback received" });
}

postback.all("/", () => fail({ code: "method_not_allowed", allow: "POST" }));
postback.all("/:slug", () => fail({ code: "method_not_allowed", allow: "POST" }));
