import { createExecutionContext, createMessageBatch, getQueueResult, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type QueueMessage, queueMessage } from "../../src/domain/message";
import worker from "../../src/index";
import { fields, formRequest, type PostbackFields } from "./postbacks";
import { call, type EnvOverrides, envWith, newInvoiceId, rows } from "./worker";

export const QUEUE = "cryptocloud-postback-deliveries";

/**
 * Runs the Worker's queue handler on one message per body; returns what was acked/retried.
 * getQueueResult (vitest-plugin 1.4.10) drops retry()'s delaySeconds, so the helper records the
 * options each message's real retry() was called with and puts them back into the result.
 */
/** The id a test's message carries, for readable message ids (msg-<i>-<id>). */
const messageRef = (body: unknown): string =>
  typeof body === "object" && body !== null && "id" in body ? String(body.id) : JSON.stringify(body).replace(/\W/g, "");

export async function runQueue(bodies: unknown[], overrides: EnvOverrides = {}, queue = QUEUE): Promise<QueueResult> {
  const batch = createMessageBatch<unknown>(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}-${messageRef(body)}`, timestamp: new Date(), attempts: 1, body })),
  );
  const delays = new Map<string, number | undefined>();
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => {
      delays.set(m.id, options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, envWith(overrides), ctx);
  const result = await getQueueResult(batch, ctx);
  result.retryMessages = result.retryMessages.map((r) => ({ ...r, delaySeconds: delays.get(r.msgId) }));
  return result;
}

/** The delivery consumer, one message per delivery id. */
export const runConsumer = (ids: string[], overrides: EnvOverrides = {}, queue = QUEUE): Promise<QueueResult> =>
  runQueue(
    ids.map((id): QueueMessage => queueMessage("delivery", id)),
    overrides,
    queue,
  );

/** The confirmation consumer for one invoice: was it acked, or retried and after how long? */
export async function runConfirmation(invoiceId: string, overrides: EnvOverrides = {}) {
  const r = await runQueue([queueMessage("confirmation", invoiceId)], overrides);
  return { acked: r.explicitAcks.length === 1, retried: r.retryMessages.length === 1, delay: r.retryMessages[0]?.delaySeconds };
}

type Extra = { [K in keyof PostbackFields]?: PostbackFields[K] | ((invoiceId: string) => PostbackFields[K]) };

/** Posts a paid invoice whose event goes to `urls`; returns its id and delivery ids. */
export async function paidInvoiceFor(urls: string[], overrides: EnvOverrides = {}, extra: Extra = {}) {
  const id = newInvoiceId();
  const resolved = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === "function" ? v(id) : v]));
  const res = await call(formRequest(await fields(id, resolved)), { FORWARD_URL: urls.join(","), ...overrides });
  if (res.status !== 200) throw new Error(`postback failed: ${res.status} ${await res.text()}`);
  const deliveries = await rows<{ id: string; destination: string }>(
    "SELECT id, destination FROM deliveries WHERE invoice_id = ? ORDER BY destination",
    id,
  );
  return { invoiceId: id, deliveryIds: deliveries.map((d) => d.id), deliveries };
}

export const hook = (key: string, query = ""): string => `${env.LOCAL_SERVER}/hook/${key}${query ? `?${query}` : ""}`;

export async function deliveryRow(id: string) {
  const [row] = await rows<Record<string, unknown>>("SELECT * FROM deliveries WHERE id = ?", id);
  return row;
}

export async function attemptsOf(id: string) {
  return rows<Record<string, unknown>>("SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY round, attempt", id);
}
