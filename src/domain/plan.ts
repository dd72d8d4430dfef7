import type { PaidInvoice } from "./api-invoice";
import type { PostbackAssertion } from "./confirmation";
import { buildEvent, type InvoiceEvent } from "./event";
import { fromBool } from "./invoice";
import type { Postback } from "./postback";
import { type InvoiceStatus, type PaidStatus, STATUS_RANK } from "./status";

/** FORWARD_URL's destinations (id derived from the URL), or null to leave the stored ones as they are. */
export type ConfigDestinations = readonly { id: string; url: string }[] | null;

/** The invoice state a write asserts. */
interface InvoiceFields<S extends InvoiceStatus> {
  invoiceId: string;
  status: S;
  statusRank: number;
  amountCrypto: string;
  currency: string;
  orderId: string | null;
  testMode: number | null;
  project: string; // the slug: fixed at the invoice's first record
}

/** What one postback writes: the invoice state it asserts, its receipt, and its event. */
export interface LedgerEntry extends InvoiceFields<InvoiceStatus> {
  detailJson: string | null;
  notForwarded: string | null; // why the event goes nowhere (e.g. "test_mode"), or null
  receipt: { contentType: string; apiVersion: 1 | 2; assertedStatus: string; requestId: string };
  event: InvoiceEvent | null; // null while the invoice waits for confirmation
  forward: boolean; // a new event gets one delivery per stored destination whose filter matches
  configDestinations: ConfigDestinations; // FORWARD_URL's destinations, kept in D1 by the same batch
  confirm: boolean; // arm a confirmation with CryptoCloud's API
}

export interface PlanOptions {
  confirmWithApi: boolean; // CRYPTOCLOUD_API_KEY is set: hold the invoice until the API agrees
  rejectTestMode: boolean;
  configDestinations: ConfigDestinations;
  contentType: string;
  requestId: string;
  project: string; // the project whose SECRET KEY verified the token
}

/** Decides what a verified postback records and forwards. Pure: the clock is passed in. */
export function planPostback(postback: Postback, options: PlanOptions, now: Date): LedgerEntry {
  const held = options.confirmWithApi;
  const status: InvoiceStatus = held ? "pending_confirmation" : postback.status;
  const event = held
    ? null
    : buildEvent(
        {
          invoice_id: postback.invoiceId,
          invoice_uuid: `INV-${postback.invoiceId}`,
          order_id: postback.orderId,
          status: postback.status,
          amount_crypto: postback.amountCrypto,
          currency: postback.currency,
          test_mode: postback.testMode,
          confirmed: false,
          received_at: now.toISOString(),
          project: options.project,
        },
        now,
      );
  const notForwarded = event ? skipReason(options.rejectTestMode, postback.testMode) : null;
  return {
    invoiceId: postback.invoiceId,
    status,
    statusRank: STATUS_RANK[status],
    amountCrypto: postback.amountCrypto,
    currency: postback.currency,
    orderId: postback.orderId,
    testMode: fromBool(postback.testMode),
    project: options.project,
    detailJson: held ? JSON.stringify({ confirmation: { state: "pending" } }) : null,
    notForwarded,
    receipt: {
      contentType: options.contentType,
      apiVersion: postback.apiVersion,
      assertedStatus: postback.status,
      requestId: options.requestId,
    },
    event,
    forward: event !== null && !notForwarded,
    configDestinations: options.configDestinations,
    confirm: held,
  };
}

/** What a payment the API vouches for writes: by confirming a postback, or recovered by reconciliation. */
export interface ConfirmedPlan extends InvoiceFields<PaidStatus> {
  detailJson: string;
  notForwarded: string | null;
  event: InvoiceEvent;
  forward: boolean;
  configDestinations: ConfigDestinations;
}

/** Why an event is not forwarded to the configured destinations, or null when it is. */
const skipReason = (rejectTestMode: boolean, testMode: boolean | null): string | null =>
  rejectTestMode && testMode === true ? "test_mode" : null;

/**
 * The API's values win; what the postback asserted (none, for a recovered invoice) is kept beside
 * them with the fields that disagreed.
 */
export function planConfirmed(
  invoiceId: string,
  api: PaidInvoice & { mismatches?: string[] },
  asserted: PostbackAssertion | null,
  options: { rejectTestMode: boolean; configDestinations: ConfigDestinations; source: "postback" | "reconciliation"; project: string },
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
      project: options.project,
    },
    now,
  );
  const detail = {
    confirmation: { state: "confirmed", at: now.toISOString(), by: options.source === "reconciliation" ? "reconciliation" : "api" },
    api: { amount: api.amount, received: api.received, amount_usd: api.amountUsd },
    ...(asserted
      ? {
          postback: { amount_crypto: asserted.amountCrypto, currency: asserted.currency, order_id: asserted.orderId },
          mismatches: api.mismatches ?? [],
        }
      : {}),
  };
  const notForwarded = skipReason(options.rejectTestMode, api.testMode);
  return {
    invoiceId,
    status: api.status,
    statusRank: STATUS_RANK[api.status],
    amountCrypto: api.amountCrypto,
    currency: api.currency,
    orderId: api.orderId,
    testMode: fromBool(api.testMode),
    project: options.project,
    detailJson: JSON.stringify(detail),
    notForwarded,
    event,
    forward: !notForwarded,
    configDestinations: options.configDestinations,
  };
}

/** The detail kept for an invoice the API did not confirm. */
export const unconfirmedDetail = (reason: string, asserted: PostbackAssertion, now: Date): string =>
  JSON.stringify({
    confirmation: { state: "unconfirmed", reason, at: now.toISOString() },
    postback: { amount_crypto: asserted.amountCrypto, currency: asserted.currency, order_id: asserted.orderId },
  });
