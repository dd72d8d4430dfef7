import { normalizeDecimal } from "./decimal";
import { JsonNumber, parseJsonExact } from "./json";
import { isPaidStatus, type PaidStatus, stripInvoicePrefix } from "./status";

/** What the postback claimed: kept beside the API's answer, for the record. */
export interface Claimed {
  amountCrypto: string;
  currency: string;
  orderId: string | null;
}

/** The API's view of a paid invoice. */
export interface Confirmed {
  status: PaidStatus;
  amountCrypto: string;
  currency: string;
  orderId: string | null;
  testMode: boolean | null;
  amountUsd: string | null;
  received: string | null;
  mismatches: string[]; // fields where the postback disagreed with the API
}

/** What one merchant/info answer means for one invoice. */
export type ConfirmationResult =
  | { kind: "confirmed"; invoice: Confirmed }
  | { kind: "unconfirmed"; reason: string } // created, canceled, unknown: never recorded as paid
  | { kind: "retry"; reason: string } // the API is down or busy: try again later
  | { kind: "unauthorized" }; // the API KEY is wrong: a configuration error, not a retry storm

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" ? v : v instanceof JsonNumber ? v.source : null);
const dec = (v: unknown): string | null => {
  const s = str(v);
  return s === null ? null : normalizeDecimal(s);
};

/** Reads a merchant/info reply. Pure: the HTTP status and body text come in, a decision goes out. */
export function interpretMerchantInfo(httpStatus: number, body: string, invoiceId: string, claimed: Claimed): ConfirmationResult {
  if (httpStatus === 401 || httpStatus === 403) return { kind: "unauthorized" };
  if (httpStatus === 429 || httpStatus >= 500) return { kind: "retry", reason: httpStatus === 429 ? "rate_limited" : "http_5xx" };
  let parsed: Json;
  try {
    parsed = parseJsonExact(body) as Json;
  } catch {
    return { kind: "retry", reason: "unreadable_reply" };
  }
  if (parsed?.status !== "success") {
    const auth = (parsed?.result as Json | undefined)?.authorization;
    return auth !== undefined ? { kind: "unauthorized" } : { kind: "retry", reason: `api_error_${httpStatus}` };
  }
  const list = Array.isArray(parsed.result) ? (parsed.result as Json[]) : [];
  const entry = list.find((e) => stripInvoicePrefix(str(e?.uuid) ?? "").toUpperCase() === invoiceId);
  if (!entry) return { kind: "unconfirmed", reason: "unknown_invoice" };
  const status = str(entry.status) ?? "";
  if (!isPaidStatus(status)) return { kind: "unconfirmed", reason: `status_${status || "missing"}` };

  const currencyObj = entry.currency as Json | undefined;
  const currency = str(currencyObj?.fullcode) ?? str(currencyObj?.code) ?? claimed.currency;
  const amountCrypto = dec(entry.amount) ?? claimed.amountCrypto;
  const orderRaw = str(entry.order_id);
  const orderId = orderRaw === null || orderRaw === "" || orderRaw === "None" ? null : orderRaw;
  const mismatches: string[] = [];
  if (amountCrypto !== claimed.amountCrypto) mismatches.push("amount_crypto");
  if (currency !== claimed.currency) mismatches.push("currency");
  if (orderId !== claimed.orderId) mismatches.push("order_id");
  return {
    kind: "confirmed",
    invoice: {
      status,
      amountCrypto,
      currency,
      orderId,
      testMode: typeof entry.test_mode === "boolean" ? entry.test_mode : null,
      amountUsd: dec(entry.amount_usd),
      received: dec(entry.received),
      mismatches,
    },
  };
}
