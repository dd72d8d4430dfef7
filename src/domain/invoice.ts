import type { InvoiceStatus } from "./status";

/** What recorded the invoice: its postback, or reconciliation when the postback never came. */
export type InvoiceSource = "postback" | "reconciliation";

/** An `invoices` row as D1 returns it. */
export interface InvoiceRow {
  invoice_id: string;
  status: InvoiceStatus;
  status_rank: number;
  amount_crypto: string;
  currency: string;
  order_id: string | null;
  test_mode: number | null;
  confirmed: number;
  detail_json: string | null;
  not_forwarded: string | null;
  source: InvoiceSource;
  first_received_at: string;
  last_received_at: string;
  postback_count: number;
  updated_at: string;
  version: number;
  projected_version: number;
  project: string;
}

/** The invoice as the read API and the KV projection show it (the same JSON in both). */
export interface PublicInvoice {
  invoice_id: string;
  invoice_uuid: string;
  status: InvoiceStatus;
  amount_crypto: string;
  currency: string;
  order_id: string | null;
  test_mode: boolean | null;
  confirmed: boolean;
  first_received_at: string;
  last_received_at: string;
  postback_count: number;
  source: InvoiceSource;
  project: string; // the slug of the CryptoCloud project (shop)
  not_forwarded: string | null; // why the event was not forwarded (e.g. "test_mode"), or null
  detail: Record<string, unknown> | null;
}

export const toBool = (v: number | null): boolean | null => (v === null ? null : v === 1);
export const fromBool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

export function toPublicInvoice(row: InvoiceRow): PublicInvoice {
  return {
    invoice_id: row.invoice_id,
    invoice_uuid: `INV-${row.invoice_id}`,
    status: row.status,
    amount_crypto: row.amount_crypto,
    currency: row.currency,
    order_id: row.order_id,
    test_mode: toBool(row.test_mode),
    confirmed: row.confirmed === 1,
    first_received_at: row.first_received_at,
    last_received_at: row.last_received_at,
    postback_count: row.postback_count,
    source: row.source,
    project: row.project,
    not_forwarded: row.not_forwarded,
    detail: row.detail_json ? (JSON.parse(row.detail_json) as Record<string, unknown>) : null,
  };
}

export const kvKey = (invoiceId: string): string => `invoice:${invoiceId.toUpperCase()}`;
