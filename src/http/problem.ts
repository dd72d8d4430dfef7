import type { AppError } from "../domain/errors";

export interface Problem {
  status: number;
  title: string;
  detail: string;
  headers?: Record<string, string>;
}

/**
 * The only place an AppError becomes HTTP. Details say what to fix; they never echo a token, a
 * secret or a submitted value. The tagged fields of the error go to the logs instead.
 */
export function toProblem(error: AppError): Problem {
  switch (error.code) {
    // 503, not 500: a configuration the operator fixes, after which the sender's retry succeeds.
    case "not_configured":
      return {
        status: 503,
        title: "Not configured",
        detail: `${error.missing} is not set or not valid on this Worker. See GET /health and the README's Configuration section.`,
      };
    case "malformed_body":
      return {
        status: 400,
        title: "Malformed body",
        detail: `The body could not be read (${error.reason}). Send the postback as form fields or a JSON object.`,
      };
    case "invalid_field":
      return { status: 400, title: "Invalid field", detail: `The field "${error.field}" is missing or invalid: ${error.reason}.` };
    case "invalid_token":
      return {
        status: 401,
        title: "Invalid token",
        detail:
          "The postback's token could not be verified. Check that CRYPTOCLOUD_SECRET_KEY holds the project's SECRET KEY " +
          "(CryptoCloud → Projects → Integration & API), not the API KEY, and that the token is less than 5 minutes old.",
      };
    case "unauthorized":
      return {
        status: 401,
        title: "Unauthorized",
        detail: "Send Authorization: Bearer <API_TOKEN>, or sign in through Cloudflare Access.",
        headers: { "www-authenticate": 'Bearer realm="cryptocloud-postback"' },
      };
    case "insufficient_scope":
      return {
        status: 403,
        title: "Insufficient scope",
        detail: "This token may only read (API_READ_TOKEN); nothing was changed. Use API_TOKEN or sign in through Cloudflare Access.",
        headers: { "www-authenticate": 'Bearer realm="cryptocloud-postback", error="insufficient_scope"' },
      };
    case "not_found":
      return { status: 404, title: "Not found", detail: "No such resource." };
    case "method_not_allowed":
      return { status: 405, title: "Method not allowed", detail: `Use ${error.allow}.`, headers: { allow: error.allow } };
    case "payload_too_large":
      return { status: 413, title: "Payload too large", detail: `The body is larger than ${error.limit} bytes.` };
    case "unsupported_media_type":
      return {
        status: 415,
        title: "Unsupported media type",
        detail: "Send application/x-www-form-urlencoded, multipart/form-data or application/json.",
      };
    case "invalid_query": {
      const what = { invalid: "is invalid", required: "is required", unknown: "is not a parameter of this route" }[error.problem];
      return { status: 400, title: "Invalid query", detail: `The query parameter "${error.field}" ${what}.` };
    }
    case "not_enabled":
      return {
        status: 409,
        title: "Not enabled",
        detail: `${error.feature} needs ${error.variable}, which is not set or not usable. See GET /health and the README's Configuration section.`,
      };
    case "conflict":
      return { status: 409, title: "Conflict", detail: `The field "${error.field}" conflicts: ${error.reason}.` };
    case "job_running":
      return {
        status: 409,
        title: "Already running",
        detail: `A ${error.job} run is in progress; try again in a few minutes.`,
        headers: { "retry-after": "60" },
      };
    case "project_conflict":
      return {
        status: 409,
        title: "Another project's invoice",
        detail:
          "This invoice is recorded under another CryptoCloud project; nothing was changed. Check each project's URL for notifications.",
      };
    case "export_too_large":
      return {
        status: 400,
        title: "Export too large",
        detail: `${error.rows} invoices match; one CSV holds at most ${error.limit}. Narrow from and to, or add status=.`,
      };
    case "upstream_failed":
      return { status: 502, title: "CryptoCloud's API failed", detail: `Nothing was changed by this call: ${error.reason}.` };
    case "rate_limited":
      return { status: 429, title: "Too many requests", detail: "Slow down and retry later.", headers: { "retry-after": "10" } };
    case "store_unavailable":
      return {
        status: 503,
        title: "Storage unavailable",
        detail: "The postback was not recorded. Retry later.",
        headers: { "retry-after": "5" },
      };
    case "schema_pending":
      return {
        status: 503,
        title: "Migrations pending",
        detail:
          "The database's schema is older than this Worker (its D1 migrations have not run yet). Nothing was recorded; " +
          "retry later. Operators: npm run deploy applies them.",
        headers: { "retry-after": "30" },
      };
    case "internal":
      return { status: 500, title: "Internal error", detail: "Something went wrong; the request id is in the logs." };
  }
}

export function problemResponse(error: AppError, requestId: string): Response {
  const p = toProblem(error);
  const body = {
    type: `urn:cryptocloud-postback:problem:${error.code}`,
    title: p.title,
    status: p.status,
    detail: p.detail,
    code: error.code,
    request_id: requestId,
  };
  return new Response(JSON.stringify(body), {
    status: p.status,
    headers: { "content-type": "application/problem+json", ...p.headers },
  });
}
