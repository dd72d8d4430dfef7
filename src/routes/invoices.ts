import { Hono } from "hono/tiny";
import { fail } from "../domain/errors";
import { toBool, toPublicInvoice } from "../domain/invoice";
import { INVOICE_STATUSES, stripInvoicePrefix } from "../domain/status";
import type { AppEnv } from "../http/context";
import { cursorParam, enumParam, limitParam, queryOf, sinceParam, textParam } from "../http/query";
import { auditStatement } from "../store/audit";
import { deliveriesOfInvoice, redeliverInvoice } from "../store/deliveries";
import { anyDestination, syncConfigStatements } from "../store/destinations";
import { getInvoice, listInvoices, receiptsOf } from "../store/invoices";
import { enqueueDeliveries } from "../store/outbox";
import { requireApiToken } from "./auth";

export const invoices = new Hono<AppEnv>();
invoices.use("*", requireApiToken);

const idParam = (raw: string): string => stripInvoicePrefix(raw).toUpperCase();
const noQuery = (url: string) => queryOf(url, []);
/** Whether RETENTION_DAYS may have pruned some of this invoice's receipts, delivered deliveries or attempts. */
const olderThanRetention = (firstReceivedAt: string, days: number): boolean =>
  days > 0 && Date.parse(firstReceivedAt) < Date.now() - days * 86_400_000;

invoices.get("/", async (c) => {
  const q = queryOf(c.req.url, ["limit", "cursor", "status", "since", "order_id", "project"]);
  const { rows, next } = await listInvoices(c.env.DB, {
    limit: limitParam(q.limit),
    cursor: cursorParam(q.cursor),
    status: enumParam(q.status, "status", INVOICE_STATUSES),
    since: sinceParam(q.since),
    orderId: textParam(q.order_id, "order_id"),
    project: textParam(q.project, "project"),
  });
  return c.json({ invoices: rows.map(toPublicInvoice), next_cursor: next });
});

/** The invoice, or 404: every per-invoice route answers 404 for an unknown invoice. */
async function knownInvoice(db: D1Database, raw: string) {
  return (await getInvoice(db, idParam(raw))) ?? fail({ code: "not_found" });
}

invoices.get("/:invoice_id", async (c) => {
  noQuery(c.req.url);
  return c.json(toPublicInvoice(await knownInvoice(c.env.DB, c.req.param("invoice_id"))));
});

invoices.get("/:invoice_id/postbacks", async (c) => {
  noQuery(c.req.url);
  const invoice = await knownInvoice(c.env.DB, c.req.param("invoice_id"));
  const { invoice_id } = invoice;
  const receipts = await receiptsOf(c.env.DB, invoice_id);
  const pruned = olderThanRetention(invoice.first_received_at, c.get("config").retentionDays) && receipts.length < invoice.postback_count;
  return c.json({ invoice_id, postbacks: receipts.map((r) => ({ ...r, test_mode: toBool(r.test_mode) })), pruned });
});

invoices.get("/:invoice_id/deliveries", async (c) => {
  noQuery(c.req.url);
  const { invoice_id, first_received_at } = await knownInvoice(c.env.DB, c.req.param("invoice_id"));
  const { deliveries, attempts } = await deliveriesOfInvoice(c.env.DB, invoice_id);
  return c.json({
    invoice_id,
    deliveries: deliveries.map((d) => ({ ...d, attempts: attempts.filter((a) => a.delivery_id === d.id) })),
    pruned: olderThanRetention(first_received_at, c.get("config").retentionDays),
  });
});

invoices.post("/:invoice_id/redeliver", async (c) => {
  noQuery(c.req.url);
  const config = c.get("config");
  const { invoice_id } = await knownInvoice(c.env.DB, c.req.param("invoice_id"));
  const now = new Date();
  const sync = syncConfigStatements(c.env.DB, config.forward.configDestinations, now.toISOString(), true);
  if (!(await anyDestination(c.env.DB, sync, config.forward.configDestinations)))
    return fail({ code: "not_enabled", variable: "FORWARD_URL", feature: "Redelivery" });
  const audit = auditStatement(
    c.env.DB,
    { actor: c.get("actor"), action: "invoice.redeliver", target: invoice_id, requestId: c.get("requestId"), summary: {} },
    now,
  );
  const ids = await redeliverInvoice(c.env.DB, invoice_id, [], config.forward.configDestinations, config.rejectTestMode, now, audit);
  await enqueueDeliveries(c.env.DELIVERIES, c.env.DB, ids, now);
  return c.json({ invoice_id, deliveries: ids }, 202);
});
