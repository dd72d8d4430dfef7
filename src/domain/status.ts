/** Every invoice status, in the order people read them: GET /invoices?status= and the page use this list. */
export const INVOICE_STATUSES = ["paid", "overpaid", "partial", "pending_confirmation", "unconfirmed"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Statuses a postback can report. */
export type PaidStatus = Extract<InvoiceStatus, "paid" | "overpaid" | "partial">;
/** Statuses only the confirmation mode produces. */
export type HeldStatus = Exclude<InvoiceStatus, PaidStatus>;

/**
 * An invoice never moves to a lower rank: a late or replayed `paid` postback cannot undo
 * `overpaid`, and nothing undoes a confirmed payment.
 */
export const STATUS_RANK: Record<InvoiceStatus, number> = {
  unconfirmed: 0,
  pending_confirmation: 0,
  partial: 1,
  paid: 2,
  overpaid: 3,
};

export const isPaidStatus = (s: string): s is PaidStatus => s === "paid" || s === "overpaid" || s === "partial";

export const stripInvoicePrefix = (id: string): string => (id.length >= 4 && id.slice(0, 4).toUpperCase() === "INV-" ? id.slice(4) : id);
