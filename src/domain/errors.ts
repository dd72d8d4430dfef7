import type { TokenFailure } from "./token";

/**
 * Every failure a caller can see, as a value with a stable `code`. The one place that turns these
 * into HTTP is `http/problem.ts`; the fields beyond `code` are for logs, never for the caller.
 */
export type AppError =
  | { code: "not_configured"; missing: string }
  | { code: "malformed_body"; reason: string }
  | { code: "invalid_field"; field: string; reason: string }
  | { code: "invalid_token"; failure: TokenFailure }
  | { code: "unauthorized" }
  | { code: "not_found" }
  | { code: "method_not_allowed"; allow: string }
  | { code: "payload_too_large"; limit: number }
  | { code: "unsupported_media_type"; contentType: string }
  | { code: "invalid_query"; field: string; problem: "invalid" | "required" | "unknown" }
  | { code: "not_enabled"; variable: string; feature: string } // the action needs a variable that is unset or unusable
  | { code: "job_running"; job: string }
  | { code: "conflict"; field: string; reason: string } // the request is valid but clashes with what exists
  | { code: "upstream_failed"; reason: string }
  | { code: "rate_limited" }
  | { code: "store_unavailable"; reason: string }
  | { code: "internal"; reason: string };

/** Carries an AppError through hono's `onError`. */
export class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.code);
    this.name = "AppFailure";
  }
}

export const fail = (error: AppError): never => {
  throw new AppFailure(error);
};
