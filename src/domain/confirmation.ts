import { type PaidInvoice, readApiInvoice, text } from "./api-invoice";
import { parseJsonExact } from "./json";
import { stripInvoicePrefix } from "./status";

/** What the latest postback asserted: kept beside the API's answer, for the record. */
export interface PostbackAssertion {
  amountCrypto: string;
  currency: string;
  orderId: string | null;
}

/** The API's view of a paid invoice, with the fields where the postback disagreed. */
export interface Confirmed extends PaidInvoice {
  mismatches: string[];
}

/** What one merchant/info answer means for one invoice. */
export type ConfirmationResult =
  | { kind: "confirmed"; invoice: Confirmed }
  | { kind: "unconfirmed"; reason: string } // created, canceled, unknown: never recorded as paid
  | { kind: "retry"; reason: string } // the API is down, busy, or said something unusable: try again later
  | { kind: "unauthorized" }; // the API KEY is wrong: a configuration error, not a retry storm

type Json = Record<string, unknown>;

/** The verdict on a CryptoCloud reply that is not a usable success, or null when it is one. */
export function apiFailure(httpStatus: number, parsed: unknown): "unauthorized" | string | null {
  if (httpStatus === 401 || httpStatus === 403) return "unauthorized";
  if (httpStatus === 429) return "rate_limited";
  if (httpStatus >= 500) return "http_5xx";
  const body = parsed as Json | null;
  if (body?.status === "success" && httpStatus >= 200 && httpStatus < 300) return null;
  return (body?.result as Json | undefined)?.authorization !== undefined ? "unauthorized" : `api_error_${httpStatus}`;
}

/** Parses a reply's text, keeping numbers exact; undefined when it is not JSON. */
export function parseReply(body: string): unknown {
  try {
    return parseJsonExact(body);
  } catch {
    return undefined;
  }
}

/** Reads a merchant/info reply. Pure: the HTTP status and body text come in, a decision goes out. */
export function interpretMerchantInfo(
  httpStatus: number,
  body: string,
  invoiceId: string,
  asserted: PostbackAssertion,
): ConfirmationResult {
  const parsed = parseReply(body);
  if (parsed === undefined && httpStatus < 500 && httpStatus !== 429 && httpStatus !== 401 && httpStatus !== 403) {
    return { kind: "retry", reason: "unreadable_reply" };
  }
  const failure = apiFailure(httpStatus, parsed);
  if (failure === "unauthorized") return { kind: "unauthorized" };
  if (failure !== null) return { kind: "retry", reason: failure };
  const list = Array.isArray((parsed as Json).result) ? ((parsed as Json).result as unknown[]) : [];
  const entry = list.find((e) => stripInvoicePrefix(text((e as Json | null)?.uuid) ?? "").toUpperCase() === invoiceId);
  if (entry === undefined) return { kind: "unconfirmed", reason: "unknown_invoice" };
  const read = readApiInvoice(entry);
  if (!read.ok) return { kind: "retry", reason: "invalid_answer" };
  const paid = read.value.paid;
  if (paid === null) return { kind: "unconfirmed", reason: `status_${read.value.status || "missing"}` };

  const mismatches: string[] = [];
  if (paid.amountCrypto !== asserted.amountCrypto) mismatches.push("amount_crypto");
  if (paid.currency !== asserted.currency) mismatches.push("currency");
  if (paid.orderId !== asserted.orderId) mismatches.push("order_id");
  return { kind: "confirmed", invoice: { ...paid, mismatches } };
}
