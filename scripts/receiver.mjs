// A local downstream receiver: verifies each forwarded event with the `standardwebhooks` library
// (not with this project's code), and can be told to fail. Used by `npm run listen`, the e2e test
// and the benchmark.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

/**
 * @typedef {{ webhookId: string, timestamp: string, type: string, data: Record<string, unknown> | null,
 *   verified: boolean, status: number, attempt: number, receivedAt: number }} ReceivedEvent
 * @param {{ port?: number, host?: string, secret: string, failFirst?: number, failStatus?: number,
 *   onEvent?: (e: ReceivedEvent) => void }} options
 * @returns {Promise<{ url: string, events: ReceivedEvent[], close: () => Promise<void> }>}
 */
export async function startReceiver({ port = 0, host = "127.0.0.1", secret, failFirst = 0, failStatus = 500, onEvent }) {
  const hooks = secret
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => new Webhook(s));
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
    const status = attempt <= failFirst ? failStatus : 200;
    const event = {
      webhookId,
      timestamp: headers["webhook-timestamp"] ?? "",
      type: payload?.type ?? "?",
      data: payload?.data ?? null,
      verified: payload !== null,
      status,
      attempt,
      receivedAt: Date.now(),
    };
    events.push(event);
    onEvent?.(event);
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "failing on purpose");
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
