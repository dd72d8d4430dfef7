/** Why CryptoCloud's token was refused. Logged in full; the caller only ever sees `invalid_token`. */
export type TokenFailure =
  | { reason: "malformed" }
  | { reason: "alg_not_allowed" }
  | { reason: "bad_signature" }
  | { reason: "expired"; exp: number; now: number }
  | { reason: "missing_exp" }
  | { reason: "missing_id" }
  | { reason: "id_mismatch" };
