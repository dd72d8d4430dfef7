import { buildEvent, type InvoiceEvent } from "./event";
import { fromBool } from "./invoice";
import type { Postback } from "./postback";
import { type InvoiceStatus, STATUS_RANK } from "./status";

/** What one postback writes: the invoice state it asserts, its receipt, and its event. */
export interface LedgerEntry {
  invoiceId: string;
  status: InvoiceStatus;
  statusRank: number;
  amountCrypto: string;
  currency: string;
  orderId: string | null;
  testMode: number | null;
  confirmed: number;
  detailJson: string | null;
  receipt: { contentType: string; apiVersion: 1 | 2; claimedStatus: string; requestId: string };
  event: InvoiceEvent | null; // null while the invoice waits for confirmation
  destinations: string[]; // one delivery per destination, created with a new event
}

export interface PlanOptions {
  confirmWithApi: boolean; // CRYPTOCLOUD_API_KEY is set: hold the invoice until the API agrees
  rejectTestMode: boolean;
  destinations: readonly string[];
  contentType: string;
  requestId: string;
}

/** Decides what a verified postback records and forwards. Pure: the clock is passed in. */
export function planPostback(p: Postback, o: PlanOptions, now: Date): LedgerEntry {
  const held = o.confirmWithApi;
  const status: InvoiceStatus = held ? "pending_confirmation" : p.status;
  const event = held
    ? null
    : buildEvent(
        {
          invoice_id: p.invoiceId,
          invoice_uuid: `INV-${p.invoiceId}`,
          order_id: p.orderId,
          status: p.status,
          amount_crypto: p.amountCrypto,
          currency: p.currency,
          test_mode: p.testMode,
          confirmed: false,
          received_at: now.toISOString(),
        },
        now,
      );
  const forward = !(o.rejectTestMode && p.testMode === true);
  return {
    invoiceId: p.invoiceId,
    status,
    statusRank: STATUS_RANK[status],
    amountCrypto: p.amountCrypto,
    currency: p.currency,
    orderId: p.orderId,
    testMode: fromBool(p.testMode),
    confirmed: 0,
    detailJson: null,
    receipt: { contentType: o.contentType, apiVersion: p.apiVersion, claimedStatus: p.status, requestId: o.requestId },
    event,
    destinations: forward ? [...o.destinations] : [],
  };
}
