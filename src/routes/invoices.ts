import { Hono } from "hono/tiny";
import { fail } from "../domain/errors";
import { toPublicInvoice } from "../domain/invoice";
import { stripInvoicePrefix } from "../domain/status";
import type { AppEnv } from "../http/context";
import { cursorParam, enumParam, limitParam, sinceParam } from "../http/query";
import { deliveriesOfInvoice, redeliverInvoice } from "../store/deliveries";
import { getInvoice, listInvoices } from "../store/invoices";
import { enqueueDeliveries } from "../store/outbox";
import { requireApiToken } from "./auth";

export const invoices = new Hono<AppEnv>();
invoices.use("*", requireApiToken);

const STATUSES = ["paid", "overpaid", "partial", "pending_confirmation", "unconfirmed"] as const;
const idParam = (raw: string): string => stripInvoicePrefix(raw).toUpperCase();

invoices.get("/", async (c) => {
  const q = c.req.query();
  const { rows, next } = await listInvoices(c.env.DB, {
    limit: limitParam(q.limit),
    cursor: cursorParam(q.cursor),
    status: enumParam(q.status, "status", STATUSES),
    since: sinceParam(q.since),
  });
  return c.json({ invoices: rows.map(toPublicInvoice), next_cursor: next });
});

invoices.get("/:invoice_id", async (c) => {
  const row = await getInvoice(c.env.DB, idParam(c.req.param("invoice_id")));
  return row ? c.json(toPublicInvoice(row)) : fail({ code: "not_found" });
});

invoices.get("/:invoice_id/deliveries", async (c) => {
  const id = idParam(c.req.param("invoice_id"));
  const { deliveries, attempts } = await deliveriesOfInvoice(c.env.DB, id);
  return c.json({
    invoice_id: id,
    deliveries: deliveries.map((d) => ({ ...d, attempts: attempts.filter((a) => a.delivery_id === d.id) })),
  });
});

invoices.post("/:invoice_id/redeliver", async (c) => {
  const id = idParam(c.req.param("invoice_id"));
  if (!(await getInvoice(c.env.DB, id))) return fail({ code: "not_found" });
  const ids = await redeliverInvoice(c.env.DB, id, c.get("config").forward.urls, new Date());
  await enqueueDeliveries(c.env.DELIVERIES, ids);
  return c.json({ invoice_id: id, deliveries: ids }, 202);
});
