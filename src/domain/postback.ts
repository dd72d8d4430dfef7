import { normalizeDecimal } from "./decimal";
import type { AppError } from "./errors";
import { type RawFields, type RawObject, type RawValue, readInvoiceInfo } from "./fields";
import { JsonNumber } from "./json";
import { err, ok, type Result } from "./result";
import { type PaidStatus, stripInvoicePrefix } from "./status";

/** A postback that passed validation. The token is verified separately. */
export interface Postback {
  invoiceId: string; // upper case, without INV-
  status: PaidStatus;
  amountCrypto: string; // canonical exact decimal
  currency: string;
  orderId: string | null;
  testMode: boolean | null;
  apiVersion: 1 | 2;
  token: string;
  projectHint: string | null; // invoice_info.project.id: unsigned, so only which key to try first
}

const INVOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CURRENCY = /^[A-Z0-9_]{1,32}$/;
const TOKEN = /^[\x21-\x7e]{1,4096}$/;
// C0/C1 controls (NUL included) are refused; any other unicode is kept exactly.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_ORDER_ID = 256;

const invalid = (field: string, reason: string) => err<AppError>({ code: "invalid_field", field, reason });

function text(value: RawValue | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof JsonNumber) return value.source;
  return undefined;
}

function readOrderId(value: RawValue | undefined): Result<string | null, AppError> {
  if (value === undefined || value === null) return ok(null);
  const s = text(value);
  if (s === undefined) return invalid("order_id", "must be a string");
  // CryptoCloud sends an absent order id as "" or Python's "None".
  if (s === "" || s === "None") return ok(null);
  if ([...s].length > MAX_ORDER_ID) return invalid("order_id", "longer than 256 characters");
  if (CONTROL.test(s)) return invalid("order_id", "contains control characters");
  return ok(s);
}

function readInfo(info: RawObject, invoiceId: string) {
  const uuid = text(info.uuid);
  if (uuid !== undefined && stripInvoicePrefix(uuid).toUpperCase() !== invoiceId) {
    return invalid("invoice_info", "uuid does not match invoice_id");
  }
  const status = info.status ?? "paid";
  if (status !== "paid" && status !== "overpaid" && status !== "partial") {
    return invalid("invoice_info", "status must be paid, overpaid or partial");
  }
  const testMode = info.test_mode;
  if (testMode !== undefined && testMode !== null && typeof testMode !== "boolean") {
    return invalid("invoice_info", "test_mode must be a boolean");
  }
  const project = info.project;
  const id = typeof project === "object" && project !== null && !Array.isArray(project) ? text((project as RawObject).id) : undefined;
  return ok({ status: status as PaidStatus, testMode: testMode ?? null, projectHint: id ?? null });
}

/** Validates raw fields into a Postback. One check per rule of the README's table. */
export function normalizePostback(fields: RawFields): Result<Postback, AppError> {
  const status = fields.get("status");
  if (status !== undefined && status !== "success") return invalid("status", "must be success");

  const rawId = text(fields.get("invoice_id"));
  const id = rawId === undefined ? undefined : stripInvoicePrefix(rawId);
  if (id === undefined || !INVOICE_ID.test(id)) {
    return invalid("invoice_id", "expected 1 to 64 of A-Z a-z 0-9 _ -, after an optional INV-");
  }
  const invoiceId = id.toUpperCase();

  const rawAmount = text(fields.get("amount_crypto"));
  const amountCrypto = rawAmount === undefined ? null : normalizeDecimal(rawAmount);
  if (amountCrypto === null) return invalid("amount_crypto", "expected a non-negative decimal");

  const currency = text(fields.get("currency"));
  if (currency === undefined || !CURRENCY.test(currency)) {
    return invalid("currency", "expected an upper-case code of A-Z 0-9 _");
  }

  const orderId = readOrderId(fields.get("order_id"));
  if (!orderId.ok) return orderId;

  const token = fields.get("token");
  if (typeof token !== "string" || token === "") return invalid("token", "missing");
  if (!TOKEN.test(token)) return invalid("token", "not a compact JWT");

  const infoObj = readInvoiceInfo(fields.get("invoice_info"));
  if (!infoObj.ok) return infoObj;
  const info = infoObj.value ? readInfo(infoObj.value, invoiceId) : ok({ status: "paid", testMode: null, projectHint: null });
  if (!info.ok) return info;

  return ok({
    invoiceId,
    status: info.value.status as PaidStatus,
    amountCrypto,
    currency,
    orderId: orderId.value,
    testMode: info.value.testMode,
    apiVersion: infoObj.value ? 2 : 1,
    token,
    projectHint: info.value.projectHint,
  });
}
