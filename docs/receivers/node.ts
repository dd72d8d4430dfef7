// A receiver for cryptocloud-postback's events: Node 22.18+ (runs this .ts as it is), node:http and
// node:sqlite, and the `standardwebhooks` library (npm install standardwebhooks).
//
//     FORWARD_SECRET=whsec_... PORT=3000 node node.ts
//
// Verifies the raw body, then handles each event once: per webhook-id (a retry repeats the id) and
// per order (invoice.paid then invoice.overpaid are two ids for one payment), in one transaction.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DatabaseSync } from "node:sqlite";
import { Webhook } from "standardwebhooks";
import type { InvoiceEvent } from "./events.d.ts"; // npm run types:events; copy it into your project

const hooks = (process.env.FORWARD_SECRET ?? "")
  .split(/[\s,]+/)
  .filter(Boolean)
  .map((s) => new Webhook(s));
const db = new DatabaseSync(process.env.RECEIVER_DB ?? "shop.db");
db.exec(`CREATE TABLE IF NOT EXISTS processed_webhooks (webhook_id TEXT PRIMARY KEY, type TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, status TEXT NOT NULL, invoice_id TEXT, amount TEXT, currency TEXT);`);

/** The event, or null when no secret verifies it (the library also refuses a timestamp over 5 minutes off). */
function verify(body: string, headers: Record<string, string>): { type: string; data: Record<string, unknown> } | null {
  for (const hook of hooks) {
    try {
      return hook.verify(body, headers) as { type: string; data: Record<string, unknown> };
    } catch {}
  }
  return null;
}

/** Returns what happened, for the log. Both writes commit together, or neither. */
function handle(webhookId: string, event: { type: string; data: Record<string, unknown> }): string {
  db.exec("BEGIN IMMEDIATE");
  try {
    const fresh = db
      .prepare("INSERT INTO processed_webhooks (webhook_id, type) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .run(webhookId, event.type);
    let what = `duplicate ${webhookId}`;
    if (fresh.changes === 1) what = payOrder(event) ?? `ignored ${event.type} ${webhookId}`;
    db.exec("COMMIT");
    return what;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}

function payOrder(event: { type: string; data: Record<string, unknown> }): string | null {
  if (event.type !== "invoice.paid" && event.type !== "invoice.overpaid") return null; // partial, a test, an alert
  const { data } = event as InvoiceEvent;
  if (data.test_mode === true || data.order_id === null) return null;
  // amount_crypto is an exact decimal string: compare it with the order's price as a decimal (e.g.
  // BigInt of its digits), never as a Number, before you mark the order paid.
  const changed = db
    .prepare(
      `INSERT INTO orders (id, status, invoice_id, amount, currency) VALUES (?, 'paid', ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'paid' WHERE orders.status != 'paid'`,
    )
    .run(data.order_id, data.invoice_id, data.amount_crypto, data.currency);
  return changed.changes === 1
    ? `paid ${data.order_id} ${data.invoice_id} ${data.amount_crypto} ${data.currency}`
    : `already paid ${data.order_id}`;
}

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8"); // the raw body: verify before parsing
  const headers = req.headers as Record<string, string>;
  const event = req.method === "POST" ? verify(body, headers) : null;
  if (!event) {
    res.writeHead(401).end();
    return;
  }
  console.log(handle(headers["webhook-id"] ?? "", event));
  res.writeHead(204).end(); // answer fast; fulfil paid orders from the orders table in a job
});
server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
