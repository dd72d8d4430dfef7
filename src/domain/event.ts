import type { PaidStatus } from "./status";

/** What the event says about the invoice: the `data` of the Standard Webhooks payload. */
export interface EventData {
  invoice_id: string;
  invoice_uuid: string;
  order_id: string | null;
  status: PaidStatus;
  amount_crypto: string;
  currency: string;
  test_mode: boolean | null;
  confirmed: boolean;
  received_at: string;
  project: string; // the slug of the CryptoCloud project (shop) the invoice belongs to
}

export interface InvoiceEvent {
  id: string; // the webhook-id: stable for (invoice, status)
  type: `invoice.${PaidStatus}`;
  payload: string; // the exact body, so every retry is byte-identical
}

export const eventId = (invoiceId: string, status: PaidStatus): string => `evt_${invoiceId}_${status}`;

/** Builds the event for an invoice reaching `data.status`. `now` is the event's timestamp. */
export function buildEvent(data: EventData, now: Date): InvoiceEvent {
  const type = `invoice.${data.status}` as const;
  const payload = JSON.stringify({ type, timestamp: now.toISOString(), data });
  return { id: eventId(data.invoice_id, data.status), type, payload };
}
