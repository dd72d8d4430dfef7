import { fail } from "../domain/errors";
import { readLimited } from "./body";

const MAX_JSON_BYTES = 16 * 1024;

/** An admin route's JSON object body (an empty body is `{}`); `allowed` names its keys, any other is a 400 naming it. */
export async function jsonObject(req: Request, allowed: readonly string[]): Promise<Record<string, unknown>> {
  const bytes = await readLimited(req, MAX_JSON_BYTES);
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return fail({ code: "malformed_body", reason: "not JSON in UTF-8" });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return fail({ code: "malformed_body", reason: "not a JSON object" });
  const unknownKey = Object.keys(value).find((k) => !allowed.includes(k));
  if (unknownKey) fail({ code: "invalid_field", field: unknownKey, reason: `is not a field of this route (${allowed.join(", ")})` });
  return value as Record<string, unknown>;
}
