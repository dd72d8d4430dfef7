// A local downstream receiver: verifies each forwarded event with the `standardwebhooks` library
// (not with this project's code), and can be told to fail. Used by `npm run listen`, the e2e test
// and the benchmark. Like a real receiver, it answers 401 to an event that fails verification.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";
import { splitList } from "./cli.mjs";

/**
 * @typedef {{ webhookId: string, timestamp: string, type: string, data: Record<string, unknown> | null,
 *   verified: boolean, status: number, attempt: number, receivedAt: number }} ReceivedEvent
 * @param {{ port?: number, host?: string, secret: string, failFirst?: number, failStatus?: number,
 *   onEvent?: (e: ReceivedEvent) => void }} options `secret`: one or more whsec_ secrets, separated
 *   by commas or whitespace; an event signed with any of them verifies.
 * @returns {Promise<{ url: string, events: ReceivedEvent[], close: () => Promise<void> }>}
 */
export async function startReceiver({ port = 0, host = "127.0.0.1", secret, failFirst = 0, failStatus = 500, onEvent }) {
  const hooks = splitList(secret).map((s) => {
    try {
      return new Webhook(s);
    } catch {
      throw new Error("the secret is not a Standard Webhooks secret (whsec_ + base64)");
    }
  });
  if (hooks.length === 0) throw new Error("no secret");
  /** @type {Map<string, number>} */
  const attempts = new Map();
  /** @type {ReceivedEvent[]} */
  const events = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = /** @type {Record<string, string>} */ (req.headers);
    const webhookId = headers["webhook-id"] ?? "";
    const attempt = (attempts.get(webhookId) ?? 0) + 1;
    attempts.set(webhookId, attempt);
    /** @type {any} */
    let payload = null;
    for (const hook of hooks) {
      try {
        payload = hook.verify(body, headers);
        break;
      } catch {
        // try the next secret
      }
    }
    const verified = payload !== null;
    const status = !verified ? 401 : attempt <= failFirst ? failStatus : 200;
    const event = {
      webhookId,
      timestamp: headers["webhook-timestamp"] ?? "",
      type: payload?.type ?? "?",
      data: payload?.data ?? null,
      verified,
      status,
      attempt,
      receivedAt: Date.now(),
    };
    events.push(event);
    onEvent?.(event);
    const reply = status === 200 ? "ok" : verified ? "failing on purpose" : "signature did not verify";
    res.writeHead(status, { "content-type": "text/plain" }).end(reply);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * The line `npm run listen` prints for an event, e.g.
 * `invoice.paid      DZLF4212    0.4567 BTC                verified      evt_DZLF4212_paid  2026-…Z  attempt 1 → 200`.
 * @param {ReceivedEvent} e
 */
export function formatEvent(e) {
  const d = e.data ?? {};
  const seconds = Number(e.timestamp);
  const when = e.timestamp !== "" && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : "no timestamp";
  return [
    e.type.padEnd(16),
    String(d.invoice_id ?? "?").padEnd(10),
    `${d.amount_crypto ?? "?"} ${d.currency ?? ""}`.padEnd(24),
    e.verified ? "verified    " : "NOT VERIFIED",
    e.webhookId || "(no webhook-id)",
    when,
    `attempt ${e.attempt} → ${e.status}`,
    d.test_mode === true ? "TEST" : "",
  ]
    .join("  ")
    .trimEnd();
}
