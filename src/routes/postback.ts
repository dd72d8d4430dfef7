import { Hono } from "hono/tiny";
import { AppFailure, fail } from "../domain/errors";
import { postbackFields } from "../http/body";
import type { AppEnv } from "../http/context";
import { clientIp, isShed, noteRefusal, withinLimit } from "../http/rate-limit";
import { acceptPostback } from "../ingest/accept";
import { log } from "../log";
import { recordPostback } from "../store/ledger";
import { enqueue, enqueueDeliveries } from "../store/outbox";
import { projectInvoice } from "../store/projection";

type PostbackEnv = { Bindings: Env; Variables: AppEnv["Variables"] & { withinLimit: Promise<boolean> } };

export const postback = new Hono<PostbackEnv>();

const REFUSALS = new Set(["malformed_body", "invalid_field", "invalid_token", "unsupported_media_type", "payload_too_large"]);

/**
 * Rate limits. A shed IP is turned away before any parsing or crypto. The generous per-IP count
 * runs while the body is parsed and verified, and gates only the D1 write; refused postbacks are
 * counted against the strict limiter after the response.
 */
postback.use("/", async (c, next) => {
  const ip = clientIp(c.req.raw);
  if (isShed(ip, Date.now())) fail({ code: "rate_limited" });
  const within = withinLimit(c.env, ip);
  within.catch(() => {}); // awaited before the write; a refused postback never waits for it
  c.set("withinLimit", within);
  await next();
  // hono's compose has already turned a thrown error into the response and kept it in c.error.
  const e = c.error;
  if (e instanceof AppFailure && REFUSALS.has(e.error.code)) c.executionCtx.waitUntil(noteRefusal(c.env, ip, Date.now()));
});

/**
 * CryptoCloud's "URL for notifications". 200 means the postback is in D1; everything that can
 * wait (KV projection, enqueue) runs after the response, with the sweeper behind it.
 */
postback.post("/", async (c) => {
  const config = c.get("config");
  const requestId = c.get("requestId");
  if (config.secretKeys.length === 0) fail({ code: "not_configured", missing: "CRYPTOCLOUD_SECRET_KEY" });
  const now = new Date();

  const { fields, format } = await postbackFields(c.req.raw);
  const options = {
    confirmWithApi: config.apiKey !== null,
    rejectTestMode: config.rejectTestMode,
    configDestinations: config.forward.configDestinations,
    contentType: format,
    requestId,
  };
  const accepted = await acceptPostback(fields, config.secretKeys, options, now);
  if (!accepted.ok) return fail(accepted.error);
  const { postback: p, entry, keyIndex } = accepted.value;
  if (!(await c.get("withinLimit"))) fail({ code: "rate_limited" });

  let result: Awaited<ReturnType<typeof recordPostback>>;
  try {
    result = await recordPostback(c.env.DB, entry, now);
  } catch (e) {
    return fail({ code: "store_unavailable", reason: e instanceof Error ? e.message : String(e) });
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
    key_index: keyIndex,
    latency_ms: Math.round(performance.now() - c.get("started")),
  });
  return c.json({ message: "Postback received" });
});

postback.all("/", () => fail({ code: "method_not_allowed", allow: "POST" }));
