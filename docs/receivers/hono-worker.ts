// A receiver for cryptocloud-postback's events as its own Cloudflare Worker: Hono, D1 and the
// `standardwebhooks` library (npm install hono standardwebhooks). Bindings: D1 `DB` with the two
// tables below, and the secret FORWARD_SECRET (the same whsec_… as the postback Worker's).
//
//   CREATE TABLE processed_webhooks (webhook_id TEXT PRIMARY KEY, type TEXT NOT NULL);
//   CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT NOT NULL DEFAULT 'pending', invoice_id TEXT);
//
// Verifies the raw body, then handles each event once: per webhook-id and per order, in one D1 batch
// (a transaction): the order changes only in the batch that recorded the id for the first time.
import { Hono } from "hono";
import { Webhook } from "standardwebhooks";
import type { InvoiceEvent } from "./events"; // npm run types:events; copy it into your project

type Bindings = { DB: D1Database; FORWARD_SECRET: string };

const app = new Hono<{ Bindings: Bindings }>();

app.post("/hooks/cryptocloud", async (c) => {
  const body = await c.req.text(); // the raw body: verify before parsing
  let event: { type: string; data: Record<string, unknown> };
  try {
    // Also refuses a webhook-timestamp more than 5 minutes from this Worker's clock.
    event = new Webhook(c.env.FORWARD_SECRET).verify(body, c.req.header()) as typeof event;
  } catch {
    return c.text("bad signature", 401);
  }
  const webhookId = c.req.header("webhook-id") ?? "";
  const record = c.env.DB.prepare("INSERT INTO processed_webhooks (webhook_id, type) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(
    webhookId,
    event.type,
  );
  if (event.type !== "invoice.paid" && event.type !== "invoice.overpaid") {
    await record.run(); // partial, destination.test, an alert: nothing to fulfil
    return c.body(null, 204);
  }
  const { data } = event as InvoiceEvent;
  if (data.test_mode === true || data.order_id === null) {
    await record.run();
    return c.body(null, 204);
  }
  // Only if this batch's insert recorded the id (changes() is the previous statement's count), and
  // only once per order. Compare data.amount_crypto (an exact decimal string) with the order's price
  // in this WHERE too, in your schema's units, before you trust it.
  const pay = c.env.DB.prepare(
    "UPDATE orders SET status = 'paid', invoice_id = ? WHERE id = ? AND status != 'paid' AND changes() = 1",
  ).bind(data.invoice_id, data.order_id);
  await c.env.DB.batch([record, pay]);
  return c.body(null, 204); // answer fast; fulfil paid orders in a queue consumer or a cron
});

export default app;
