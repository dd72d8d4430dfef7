import { normalizeDecimal } from "./decimal";
import { JsonNumber } from "./json";
import { err, ok, type Result } from "./result";
import { isPaidStatus, type PaidStatus, stripInvoicePrefix } from "./status";

/**
 * One invoice as CryptoCloud's API describes it (merchant/info and merchant/list items share the
 * shape), validated. Confirmation and reconciliation both read items through here, so they agree
 * on which amount was paid.
 */
export interface ApiInvoice {
  invoiceId: string; // upper case, without INV-
  status: string; // as the API said: created, paid, partial, overpaid, canceled, …
  paid: PaidInvoice | null; // set only for paid, overpaid and partial
  projectId: string | null;
}

export interface PaidInvoice {
  status: PaidStatus;
  amountCrypto: string; // what was paid: `received` when positive, else `amount`
  amount: string; // what was asked
  received: string | null;
  amountUsd: string | null;
  currency: string;
  orderId: string | null;
  testMode: boolean | null;
}

type Json = Record<string, unknown>;
const INVOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CURRENCY = /^[A-Z0-9_]{1,32}$/;

export const text = (v: unknown): string | null => (typeof v === "string" ? v : v instanceof JsonNumber ? v.source : null);
const decimal = (v: unknown): string | null => {
  const s = text(v);
  return s === null ? null : normalizeDecimal(s);
};
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);

/** The amount paid: `received` when it is a positive number, else `amount` (one rule everywhere). */
export const amountPaid = (amount: string, received: string | null): string =>
  received !== null && /[1-9]/.test(received) ? received : amount;

/** Reads one API item; an item that fails validation is never taken as a payment. */
export function readApiInvoice(item: unknown): Result<ApiInvoice, string> {
  if (!isObject(item)) return err("item is not an object");
  const uuid = text(item.uuid);
  const id = uuid === null ? null : stripInvoicePrefix(uuid);
  if (id === null || !INVOICE_ID.test(id)) return err("uuid missing or invalid");
  const status = text(item.status) ?? "";
  const project = isObject(item.project) ? text(item.project.id) : null;
  const base = { invoiceId: id.toUpperCase(), status, projectId: project };
  if (!isPaidStatus(status)) return ok({ ...base, paid: null });

  const amount = decimal(item.amount);
  if (amount === null) return err("amount missing or not a non-negative decimal");
  const receivedRaw = item.received;
  const received = receivedRaw === null || receivedRaw === undefined ? null : decimal(receivedRaw);
  if (received === null && receivedRaw !== null && receivedRaw !== undefined) return err("received is not a non-negative decimal");
  const currencyObj = isObject(item.currency) ? item.currency : {};
  const currency = text(currencyObj.fullcode) ?? text(currencyObj.code);
  if (currency === null || !CURRENCY.test(currency)) return err("currency missing or invalid");
  const orderRaw = text(item.order_id);
  const testMode = item.test_mode;
  return ok({
    ...base,
    paid: {
      status,
      amountCrypto: amountPaid(amount, received),
      amount,
      received,
      amountUsd: decimal(item.amount_usd),
      currency,
      orderId: orderRaw === null || orderRaw === "" || orderRaw === "None" ? null : orderRaw,
      testMode: typeof testMode === "boolean" ? testMode : null,
    },
  });
}
