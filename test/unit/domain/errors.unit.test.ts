import { describe, expect, it } from "vitest";
import { AppFailure, isSchemaMissing, storeFailure, thrownError } from "../../../src/domain/errors";
import { toProblem } from "../../../src/http/problem";

// What D1 (workerd's SQLite) says when the schema is behind the code, and what it says otherwise.
const schemaMissing = [
  "D1_ERROR: no such table: invoices: SQLITE_ERROR",
  "D1_ERROR: no such column: project: SQLITE_ERROR",
  "D1_ERROR: table deliveries has no column named circuit_generation: SQLITE_ERROR",
];
const otherFailures = [
  "D1_ERROR: Network connection lost.",
  "D1 DB is overloaded. Too many requests queued.",
  "D1_ERROR: UNIQUE constraint failed",
];

describe("a D1 failure", () => {
  it.each(schemaMissing)("is schema_pending (503, retry later) when SQLite says %s", (message) => {
    expect(isSchemaMissing(new Error(message))).toBe(true);
    expect(storeFailure(new Error(message)).code).toBe("schema_pending");
    expect(thrownError(new Error(message)).code).toBe("schema_pending");
    const problem = toProblem(storeFailure(new Error(message)));
    expect(problem.status).toBe(503);
    expect(problem.headers?.["retry-after"]).toBe("30");
  });

  it.each(otherFailures)("stays store_unavailable on a write, internal when thrown elsewhere: %s", (message) => {
    expect(storeFailure(new Error(message)).code).toBe("store_unavailable");
    expect(thrownError(new Error(message)).code).toBe("internal");
  });

  it("keeps an AppFailure's own error", () => {
    expect(thrownError(new AppFailure({ code: "not_found" }))).toEqual({ code: "not_found" });
  });
});
