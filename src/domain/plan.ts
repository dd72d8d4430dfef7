import type { Claimed, Confirmed } from "./confirmation";
import { buildEvent, type InvoiceEvent } from "./event";
import { fromBool } from "./invoice";
import type { Postback } from "./postback";
import { type InvoiceStatus, type PaidStatus, STATUS_RANK } from "./status";

/** The invoice state a write asserts. */
interface InvoiceFields<S extends InvoiceStatus> {
  invoiceId: string;
  status: S;
  statusRank: number;
  amountCrypto: string;
  currency: string;
  orderId: string | null;
  testMode: number | null;
}

/** What one postback writes: the invoice state it asserts, its receipt, and its event. */
export interface LedgerEntry extends InvoiceFields<InvoiceStatus> {
  detailJson: string | null;
  receipt: { contentType: string; apiVersion: 1 | 2; claimedStatus: string; requestId: string };
  event: InvoiceEvent | null; // null while the invoice waits for confirmation
  destinations: string[]; // one delivery per destination, created with a new event
  confirm: boolean; // arm a confirmation with CryptoCloud's API
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
    detailJson: held ? JSON.stringify({ confirmation: { state: "pending" } }) : null,
    receipt: { contentType: o.contentType, apiVersion: p.apiVersion, claimedStatus: p.status, requestId: o.requestId },
    event,
    destinations: forward && event ? [...o.destinations] : [],
    confirm: held,
  };
}

/** What a confirmation by the API writes: the API's values, the postback's beside them. */
export interface ConfirmedPlan extends InvoiceFields<PaidStatus> {
  detailJson: string;
  event: InvoiceEvent;
  destinations: string[];
}

export function planConfirmed(
  invoiceId: string,
  api: Confirmed,
  claimed: Claimed,
  o: { rejectTestMode: boolean; destinations: readonly string[] },
  now: Date,
): ConfirmedPlan {
  const event = buildEvent(
    {
      invoice_id: invoiceId,
      invoice_uuid: `INV-${invoiceId}`,
      order_id: api.orderId,
      status: api.status,
      amount_crypto: api.amountCrypto,
      currency: api.currency,
      test_mode: api.testMode,
      confirmed: true,
      received_at: now.toISOString(),
    },
    now,
  );
  const detail = {
    confirmation: { state: "confirmed", at: now.toISOString() },
    api: { amount_usd: api.amountUsd, received: api.received },
    postback: { amount_crypto: claimed.amountCrypto, currency: claimed.currency, order_id: claimed.orderId },
    mismatches: api.mismatches,
  };
  return {
    invoiceId,
    status: api.status,
    statusRank: STATUS_RANK[api.status],
    amountCrypto: api.amountCrypto,
    currency: api.currency,
    orderId: api.orderId,
    testMode: fromBool(api.testMode),
    detailJson: JSON.stringify(detail),
    event,
    destinations: o.rejectTestMode && api.testMode === true ? [] : [...o.destinations],
  };
}

/** The detail kept for an invoice the API did not confirm. */
export const unconfirmedDetail = (reason: string, claimed: Claimed, now: Date): string =>
  JSON.stringify({
    confirmation: { state: "unconfirmed", reason, at: now.toISOString() },
    postback: { amount_crypto: claimed.amountCrypto, currency: claimed.currency, order_id: claimed.orderId },
  });
