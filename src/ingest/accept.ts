import { secretKey, verifyToken } from "../auth/verify-token";
import type { AppError } from "../domain/errors";
import type { RawFields } from "../domain/fields";
import { type LedgerEntry, type PlanOptions, planPostback } from "../domain/plan";
import { normalizePostback, type Postback } from "../domain/postback";
import { err, ok, type Result } from "../domain/result";

export interface Accepted {
  postback: Postback;
  entry: LedgerEntry; // what the one D1 batch writes
  keyIndex: number; // which SECRET KEY matched: rotation telemetry
}

/**
 * From a postback's raw fields to what it writes: validate (400), verify the token against each
 * SECRET KEY (401), plan the batch. No I/O but Web Crypto; the clock is passed in. The route and
 * the benchmark's CPU measurement (bench/core-entry.ts) both run exactly this.
 */
export async function acceptPostback(
  fields: RawFields,
  secrets: readonly string[],
  options: PlanOptions,
  now: Date,
): Promise<Result<Accepted, AppError>> {
  const parsed = normalizePostback(fields);
  if (!parsed.ok) return parsed;
  const keys = await Promise.all(secrets.map(secretKey));
  const verified = await verifyToken(parsed.value.token, keys, parsed.value.invoiceId, now);
  if (!verified.ok) return err({ code: "invalid_token", failure: verified.error });
  return ok({ postback: parsed.value, entry: planPostback(parsed.value, options, now), keyIndex: verified.value.keyIndex });
}
