import { describe, expect, it } from "vitest";
import { cooldownSubject } from "../../../src/alerts/cooldown";
import type { AlertKind } from "../../../src/domain/alert";

const HOOK = "https://shop.example/hook";

describe("what one incident is, for the cooldown", () => {
  it.each([
    ["delivery.exhausted", "dlv_1", { destination: HOOK, invoice_id: "A" }, HOOK],
    ["delivery.exhausted", "dlv_1", {}, "dlv_1"],
    ["delivery.exhausted", "dlv_1", { destination: "" }, "dlv_1"],
    ["destination.gone", HOOK, { destination: "https://other.example" }, HOOK],
    ["backlog.stale", "deliveries", {}, "deliveries"],
  ] as [AlertKind, string, Record<string, unknown>, string][])("%s about %s with %j is about %s", (kind, subject, data, expected) => {
    expect(cooldownSubject({ kind, subject, data_json: JSON.stringify(data) })).toBe(expected);
  });

  it("falls back to the signal's subject when its data is unreadable", () => {
    expect(cooldownSubject({ kind: "delivery.exhausted", subject: "dlv_1", data_json: "{" })).toBe("dlv_1");
  });
});
