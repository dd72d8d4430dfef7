import { describe, expect, it } from "vitest";
import { parseQueueMessage, queueMessage } from "../../../src/domain/message";

describe("parseQueueMessage", () => {
  it.each(["delivery", "confirmation", "alert"] as const)("reads a v1 %s message", (kind) => {
    expect(parseQueueMessage({ v: 1, kind, id: "dlv_abc" })).toEqual({ ok: true, value: queueMessage(kind, "dlv_abc") });
  });

  it("reads the unversioned shapes of 0.1", () => {
    expect(parseQueueMessage({ delivery_id: "dlv_1" })).toEqual({ ok: true, value: queueMessage("delivery", "dlv_1") });
    expect(parseQueueMessage({ confirm_invoice: "ABC" })).toEqual({ ok: true, value: queueMessage("confirmation", "ABC") });
  });

  it.each([
    ["null", null],
    ["an array", [1]],
    ["a string", "dlv_1"],
    ["version 2", { v: 2, kind: "delivery", id: "x" }],
    ["an unknown kind", { v: 1, kind: "refund", id: "x" }],
    ["an id with SQL in it", { v: 1, kind: "delivery", id: "x'; DROP TABLE deliveries;--" }],
    ["an empty id", { v: 1, kind: "alert", id: "" }],
    ["an unversioned object of another shape", { id: "x" }],
  ])("refuses %s", (_what, body) => {
    expect(parseQueueMessage(body).ok).toBe(false);
  });
});
