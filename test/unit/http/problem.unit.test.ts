import { describe, expect, it } from "vitest";
import type { AppError } from "../../../src/domain/errors";
import { problemResponse } from "../../../src/http/problem";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IkRaTEY0MjEyIn0.c2ln";
const cases: [AppError, number][] = [
  [{ code: "not_configured", missing: "CRYPTOCLOUD_SECRET_KEY" }, 503],
  [{ code: "malformed_body", reason: "invalid JSON" }, 400],
  [{ code: "invalid_field", field: "amount_crypto", reason: "expected a non-negative decimal" }, 400],
  [{ code: "invalid_token", failure: { reason: "bad_signature" } }, 401],
  [{ code: "unauthorized" }, 401],
  [{ code: "not_found" }, 404],
  [{ code: "method_not_allowed", allow: "POST" }, 405],
  [{ code: "payload_too_large", limit: 65536 }, 413],
  [{ code: "unsupported_media_type", contentType: "text/plain" }, 415],
  [{ code: "invalid_query", field: "limit", problem: "invalid" }, 400],
  [{ code: "invalid_query", field: "since", problem: "required" }, 400],
  [{ code: "invalid_query", field: "stauts", problem: "unknown" }, 400],
  [{ code: "not_enabled", variable: "FORWARD_URL", feature: "Redelivery" }, 409],
  [{ code: "job_running", job: "reconciliation" }, 409],
  [{ code: "export_too_large", rows: 120000, limit: 100000 }, 400],
  [{ code: "upstream_failed", reason: "CryptoCloud's merchant/list failed: http_5xx" }, 502],
  [{ code: "rate_limited" }, 429],
  [{ code: "store_unavailable", reason: `D1_ERROR: token=${TOKEN}` }, 503],
  [{ code: "internal", reason: `TypeError near ${TOKEN}` }, 500],
];

describe("problemResponse", () => {
  it.each(cases)("maps %j to problem+json with status %i and its code", async (error, status) => {
    const res = problemResponse(error, "req-1");
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code: error.code, request_id: "req-1" });
    expect(typeof body.detail).toBe("string");
  });

  it.each(cases)("never puts the internal detail of %j in the body", async (error) => {
    const text = await problemResponse(error, "req-1").text();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("D1_ERROR");
  });

  it("says required, not invalid, for a missing parameter", async () => {
    const body = (await problemResponse({ code: "invalid_query", field: "since", problem: "required" }, "r").json()) as { detail: string };
    expect(body.detail).toBe('The query parameter "since" is required.');
  });

  it("names the variable an action needs", async () => {
    const body = (await problemResponse(
      { code: "not_enabled", variable: "CRYPTOCLOUD_API_KEY", feature: "Reconciliation" },
      "r",
    ).json()) as {
      detail: string;
    };
    expect(body.detail).toContain("CRYPTOCLOUD_API_KEY");
  });

  it("tells the user to check SECRET KEY vs API KEY on a bad token", async () => {
    const body = (await problemResponse({ code: "invalid_token", failure: { reason: "bad_signature" } }, "r").json()) as { detail: string };
    expect(body.detail).toMatch(/SECRET KEY/);
    expect(body.detail).toMatch(/not the API KEY/);
  });
});
