import type { AppError } from "./errors";
import { JsonNumber, parseJsonExact } from "./json";
import { err, ok, type Result } from "./result";

/** The postback's fields before validation: strings, exact numbers, or (v2) an object. */
export type RawValue = string | JsonNumber | boolean | null | RawObject | unknown[];
export type RawObject = { [key: string]: RawValue };
export type RawFields = Map<string, RawValue>;

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
      return err({ code: "invalid_field", field: key, reason: "file uploads are not accepted" });
    }
    if (fields.has(key)) {
      return err({ code: "invalid_field", field: key, reason: "the field is repeated" });
    }
    fields.set(key, value);
  }
  return ok(fields);
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
