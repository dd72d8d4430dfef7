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
  | { code: "insufficient_scope" } // a read-only token (API_READ_TOKEN) on a route that changes something
  | { code: "not_found" }
  | { code: "method_not_allowed"; allow: string }
  | { code: "payload_too_large"; limit: number }
  | { code: "unsupported_media_type"; contentType: string }
  | { code: "invalid_query"; field: string; problem: "invalid" | "required" | "unknown" }
  | { code: "not_enabled"; variable: string; feature: string } // the action needs a variable that is unset or unusable
  | { code: "job_running"; job: string }
  | { code: "project_conflict"; project: string } // the invoice is recorded under another project
  | { code: "export_too_large"; rows: number; limit: number } // narrow from/to (or add status=)
  | { code: "conflict"; field: string; reason: string } // the request is valid but clashes with what exists
  | { code: "upstream_failed"; reason: string }
  | { code: "rate_limited" }
  | { code: "store_unavailable"; reason: string }
  | { code: "schema_pending"; reason: string } // D1 is reachable but its migrations have not run yet
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

/**
 * D1 reachable, schema behind the code: a first deploy before `wrangler d1 migrations apply`, or a
 * deploy whose new migration has not run yet. SQLite says so in these words (D1 prefixes D1_ERROR).
 */
const SCHEMA_MISSING = /\bno such (table|column)\b|\bhas no column named\b/i;

export const isSchemaMissing = (e: unknown): boolean => SCHEMA_MISSING.test(e instanceof Error ? e.message : String(e));

/** A failed D1 write: a schema that is not there yet, or storage that is not answering. Both are 503. */
export const storeFailure = (e: unknown): AppError => {
  const reason = e instanceof Error ? e.message : String(e);
  return isSchemaMissing(reason) ? { code: "schema_pending", reason } : { code: "store_unavailable", reason };
};

/** Anything thrown that is not an AppFailure: a missing schema is a 503, not a bug; the rest is internal. */
export const thrownError = (e: unknown): AppError => {
  if (e instanceof AppFailure) return e.error;
  const reason = e instanceof Error ? e.message : String(e);
  return isSchemaMissing(reason) ? { code: "schema_pending", reason } : { code: "internal", reason };
};
