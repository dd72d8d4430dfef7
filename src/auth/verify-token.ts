import { errors, jwtVerify } from "jose";
import { err, ok, type Result } from "../domain/result";
import { stripInvoicePrefix } from "../domain/status";
import type { TokenFailure } from "../domain/token";
import { hmacKey } from "./hmac-key";

export type { TokenFailure };

export interface VerifiedToken {
  exp: number;
  keyIndex: number; // which configured secret matched: rotation telemetry
}

/** CryptoCloud's tokens live 5 minutes; we forgive 30 s of clock skew and nothing more. */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * Verifies CryptoCloud's HS256 token against each configured key, and that its `id` claim names
 * this invoice. Pure but for Web Crypto: the clock is passed in.
 */
export async function verifyToken(
  token: string,
  keys: readonly CryptoKey[],
  invoiceId: string,
  now: Date,
): Promise<Result<VerifiedToken, TokenFailure>> {
  for (const [keyIndex, key] of keys.entries()) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["HS256"],
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: now,
        requiredClaims: ["exp"],
      });
      const id = payload.id;
      if (typeof id !== "string" && typeof id !== "number") return err({ reason: "missing_id" });
      if (stripInvoicePrefix(String(id)).toUpperCase() !== invoiceId) return err({ reason: "id_mismatch" });
      return ok({ exp: payload.exp as number, keyIndex });
    } catch (e) {
      const failure = classify(e, now);
      // Only a signature mismatch means "try the next key"; anything else is final.
      if (failure.reason !== "bad_signature") return err(failure);
    }
  }
  return err({ reason: "bad_signature" });
}

function classify(error: unknown, now: Date): TokenFailure {
  if (error instanceof errors.JWSSignatureVerificationFailed) return { reason: "bad_signature" };
  if (error instanceof errors.JOSEAlgNotAllowed) return { reason: "alg_not_allowed" };
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === "number" ? error.payload.exp : 0;
    return { reason: "expired", exp, now: Math.floor(now.getTime() / 1000) };
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "exp") return { reason: "missing_exp" };
  return { reason: "malformed" };
}

const utf8 = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** A SECRET KEY as CryptoCloud signs with it: its raw UTF-8 bytes. */
export const secretKey = (secret: string): Promise<CryptoKey> => hmacKey(secret, "verify", utf8);
