import { errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { AccessSettings } from "../domain/access-config";
import { err, ok, type Result } from "../domain/result";

/** Why an Access JWT was refused: a stable reason for the log line, never jose's message (it may quote the token). */
export type AccessFailure =
  | { reason: "alg_not_allowed" }
  | { reason: "unknown_key" }
  | { reason: "bad_signature" }
  | { reason: "expired" }
  | { reason: "not_yet_valid" }
  | { reason: "wrong_issuer" }
  | { reason: "wrong_audience" }
  | { reason: "missing_claim"; claim: string }
  | { reason: "no_identity" }
  | { reason: "malformed" }
  | { reason: "keys_unavailable"; code: string }; // the team's key set could not be fetched: not the caller's fault

/** Who the JWT says signed in: a person's email, or an Access service token's common name. */
export interface AccessIdentity {
  id: string;
  via: "email" | "common_name";
}

/** Access JWTs live minutes; a Worker's clock and Access's may differ by seconds, not more. */
export const ACCESS_CLOCK_SKEW_SECONDS = 30;

/**
 * Verifies a Cloudflare Access JWT: RS256 only, a key of the team's set, `iss` the team domain, `aud`
 * one of ours, `exp` required and `nbf` honoured (with a small leeway). The clock is passed in.
 */
export async function verifyAccessJwt(
  token: string,
  keys: JWTVerifyGetKey,
  settings: AccessSettings,
  now: Date,
): Promise<Result<AccessIdentity, AccessFailure>> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["RS256"],
      issuer: settings.teamDomain,
      audience: settings.audiences,
      clockTolerance: ACCESS_CLOCK_SKEW_SECONDS,
      currentDate: now,
      requiredClaims: ["exp"],
    });
    const { email, common_name } = payload;
    if (typeof email === "string" && email !== "") return ok({ id: email, via: "email" });
    if (typeof common_name === "string" && common_name !== "") return ok({ id: common_name, via: "common_name" });
    return err({ reason: "no_identity" });
  } catch (e) {
    return err(classify(e));
  }
}

function classify(error: unknown): AccessFailure {
  if (!(error instanceof errors.JOSEError)) return { reason: "keys_unavailable", code: "fetch_failed" };
  switch (error.code) {
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return { reason: "alg_not_allowed" };
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return { reason: "unknown_key" };
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return { reason: "bad_signature" };
    case "ERR_JWT_EXPIRED":
      return { reason: "expired" };
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return claimFailure((error as errors.JWTClaimValidationFailed).claim, (error as errors.JWTClaimValidationFailed).reason);
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JWKS_INVALID":
    case "ERR_JOSE_GENERIC":
      return { reason: "keys_unavailable", code: error.code };
    default:
      return { reason: "malformed" };
  }
}

function claimFailure(claim: string, reason: string): AccessFailure {
  if (reason === "missing") return { reason: "missing_claim", claim };
  if (claim === "nbf" || claim === "iat") return { reason: "not_yet_valid" };
  if (claim === "iss") return { reason: "wrong_issuer" };
  if (claim === "aud") return { reason: "wrong_audience" };
  return { reason: "malformed" };
}
