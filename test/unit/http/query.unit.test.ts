import { describe, expect, it } from "vitest";
import { AppFailure } from "../../../src/domain/errors";
import { cursorParam, enumParam, limitParam, queryOf, required, sinceParam, textParam } from "../../../src/http/query";

/** The AppError a parameter reader threw. */
function failure(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof AppFailure) return e.error;
    throw e;
  }
  throw new Error("did not fail");
}

describe("query parameters", () => {
  it("reads the route's known parameters", () => {
    expect(queryOf("https://w/x?limit=5&status=paid", ["limit", "status"])).toEqual({ limit: "5", status: "paid" });
  });

  it("refuses an unknown parameter by name, and a repeated one", () => {
    expect(failure(() => queryOf("https://w/x?stauts=paid", ["status"]))).toEqual({
      code: "invalid_query",
      field: "stauts",
      problem: "unknown",
    });
    expect(failure(() => queryOf("https://w/x?a=1&a=2", ["a"]))).toEqual({ code: "invalid_query", field: "a", problem: "invalid" });
  });

  it("reads limit within 1 to the maximum, with a default", () => {
    expect(limitParam(undefined)).toBe(50);
    expect(limitParam("200")).toBe(200);
    for (const bad of ["0", "201", "1.5", "-1", "1e2", ""]) expect(failure(() => limitParam(bad))).toMatchObject({ field: "limit" });
  });

  it("normalises since to the stored ISO form", () => {
    expect(sinceParam("2026-11-28T10:00:00+02:00")).toBe("2026-11-28T08:00:00.000Z");
    expect(sinceParam(undefined)).toBeNull();
    expect(failure(() => sinceParam("yesterday"))).toMatchObject({ field: "since", problem: "invalid" });
  });

  it("says required, not invalid, for a missing required value", () => {
    expect(failure(() => required(sinceParam(undefined), "since"))).toEqual({ code: "invalid_query", field: "since", problem: "required" });
  });

  it("reads enums, cursors and exact text", () => {
    expect(enumParam("paid", "status", ["paid", "partial"])).toBe("paid");
    expect(failure(() => enumParam("bogus", "status", ["paid"]))).toMatchObject({ field: "status" });
    expect(cursorParam(undefined)).toBeNull();
    expect(failure(() => cursorParam("%%%"))).toMatchObject({ field: "cursor" });
    expect(textParam("ORD 1 / №7", "order_id")).toBe("ORD 1 / №7");
    expect(failure(() => textParam("x".repeat(257), "order_id"))).toMatchObject({ field: "order_id" });
  });
});
