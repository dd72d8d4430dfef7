import type { AppError } from "./errors";
import { duplicateKey, hasLoneSurrogate, JsonNumber, parseJsonExact } from "./json";
import { err, ok, type Result } from "./result";

/** The postback's fields before validation: strings, exact numbers, or (v2) an object. */
export type RawValue = string | JsonNumber | boolean | null | RawObject | unknown[];
export type RawObject = { [key: string]: RawValue };
export type RawFields = Map<string, RawValue>;

const POSTBACK_FIELDS = new Set(["status", "invoice_id", "amount_crypto", "currency", "order_id", "token", "invoice_info"]);

/** A field name fit for an error the caller sees: one of ours, never a name the caller made up. */
const fieldName = (key: string): string => (POSTBACK_FIELDS.has(key) ? key : "(a field this Worker does not read)");

/** Fields of an `application/json` body. The top level must be an object. */
export function fieldsFromJson(text: string): Result<RawFields, AppError> {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch {
    return err({ code: "malformed_body", reason: "invalid JSON" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || parsed instanceof JsonNumber) {
    return err({ code: "malformed_body", reason: "JSON body is not an object" });
  }
  const repeated = duplicateKey(text);
  if (repeated !== null) return err({ code: "invalid_field", field: fieldName(repeated), reason: "the key is repeated" });
  if (hasLoneSurrogate(parsed)) return err({ code: "malformed_body", reason: "a string is not valid Unicode (lone surrogate)" });
  return ok(new Map(Object.entries(parsed as RawObject)));
}

/**
 * Fields of a form body (urlencoded or multipart). A repeated key is refused: two different
 * `amount_crypto` values are an attack on whichever one a later reader picks.
 */
export function fieldsFromForm(entries: Iterable<[string, unknown]>): Result<RawFields, AppError> {
  const fields: RawFields = new Map();
  for (const [key, value] of entries) {
    if (typeof value !== "string") {
      return err({ code: "invalid_field", field: fieldName(key), reason: "file uploads are not accepted" });
    }
    // The decoder turned invalid UTF-8 into U+FFFD; no real postback carries one.
    if (value.includes("\uFFFD") || key.includes("\uFFFD")) return err({ code: "malformed_body", reason: "a value is not valid UTF-8" });
    if (fields.has(key)) {
      return err({ code: "invalid_field", field: fieldName(key), reason: "the field is repeated" });
    }
    fields.set(key, value);
  }
  return ok(fields);
}

/**
 * The pairs of an application/x-www-form-urlencoded body, percent-decoded strictly: URLSearchParams
 * would turn `%FF` into U+FFFD and store a different amount or order id than was sent.
 */
export function formPairs(text: string): Result<[string, string][], AppError> {
  const pairs: [string, string][] = [];
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const [rawKey, rawValue] = eq === -1 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    try {
      pairs.push([decodeURIComponent(rawKey.replaceAll("+", " ")), decodeURIComponent(rawValue.replaceAll("+", " "))]);
    } catch {
      return err({ code: "malformed_body", reason: "a value is not valid percent-encoded UTF-8" });
    }
  }
  return ok(pairs);
}

/** v2's `invoice_info` is an object in JSON mode and (at best) a JSON string in form mode. */
export function readInvoiceInfo(value: RawValue | undefined): Result<RawObject | null, AppError> {
  if (value === undefined || value === null || value === "") return ok(null);
  let obj: unknown = value;
  if (typeof value === "string") {
    try {
      obj = parseJsonExact(value);
    } catch {
      return err({ code: "invalid_field", field: "invoice_info", reason: "not a JSON object" });
    }
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj) || obj instanceof JsonNumber) {
    return err({ code: "invalid_field", field: "invoice_info", reason: "not a JSON object" });
  }
  return ok(obj as RawObject);
}
