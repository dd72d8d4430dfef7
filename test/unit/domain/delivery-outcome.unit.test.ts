import { describe, expect, it } from "vitest";
import { CLOSED, type Transition } from "../../../src/domain/circuit";
import { attemptOutcome } from "../../../src/domain/delivery-outcome";
import type { Decision } from "../../../src/domain/retry";

const NOW = new Date("2026-12-01T12:00:00.000Z");
const D = {
  id: "dlv_1",
  invoice_id: "INV1",
  event_id: "evt_INV1_paid",
  destination: "https://shop.example/hook",
  destination_id: "dst_1",
  attempt_count: 14,
  pending_since: "2026-11-28T12:00:00.000Z",
};
const none: Transition = { kind: "none", next: CLOSED };
const opened: Transition = { kind: "opened", next: { ...CLOSED, state: "open", consecutiveFailures: 10, openedAt: NOW.toISOString() } };
const ctx = (
  over: Partial<{
    probe: boolean;
    transition: Transition;
    otherwiseReachable: boolean;
    reach: "reachable" | "unreachable";
    waiting: number;
    threshold: number;
  }>,
) => ({
  probe: false,
  transition: none,
  otherwiseReachable: true,
  reach: "unreachable" as const,
  waiting: 0,
  threshold: 10,
  ...over,
});
const exhausted: Decision = { next: "exhausted", errorClass: "http_5xx" };

describe("attemptOutcome", () => {
  it("exhausts a delivery whose destination was otherwise reachable, with its alert", () => {
    const { update, signals } = attemptOutcome(exhausted, D, "ORD1", ctx({}), 43200, NOW);
    expect(update).toMatchObject({ state: "exhausted", hold: false, probe: false });
    expect(signals.map((s) => [s.kind, s.guard])).toEqual([
      ["destination.failing", "circuit"], // may be the failure that opens it: the circuit's write decides
      ["delivery.exhausted", "delivery"],
    ]);
  });

  it("never exhausts a delivery whose destination was down for everyone: it keeps trying at the last step", () => {
    const { update, signals } = attemptOutcome(exhausted, D, null, ctx({ otherwiseReachable: false }), 43200, NOW);
    expect(update).toMatchObject({ state: "pending", hold: false, probe: true, nextAttemptAt: "2026-12-02T00:00:00.000Z" });
    expect(signals.map((s) => s.kind)).toEqual(["destination.failing"]);
  });

  it("exhausts after the last retry when the backend refused this one event (4xx), even if it was down before", () => {
    const { update } = attemptOutcome(
      { next: "exhausted", errorClass: "http_4xx" },
      D,
      null,
      ctx({ otherwiseReachable: false, reach: "reachable" }),
      43200,
      NOW,
    );
    expect(update.state).toBe("exhausted");
  });

  it("keeps a failed probe waiting, without using a retry", () => {
    const { update } = attemptOutcome(
      { next: "retry", delaySeconds: 60, errorClass: "network" },
      D,
      null,
      ctx({ probe: true }),
      43200,
      NOW,
    );
    expect(update).toMatchObject({ state: "pending", hold: true, probe: true });
  });

  it("raises destination.failing behind the circuit's own write when this attempt opened it", () => {
    const { signals } = attemptOutcome(
      { next: "retry", delaySeconds: 5, errorClass: "timeout" },
      D,
      null,
      ctx({ transition: opened }),
      43200,
      NOW,
    );
    expect(signals).toEqual([
      expect.objectContaining({
        kind: "destination.failing",
        subject: "dst_1",
        guard: "circuit",
        data: expect.objectContaining({ consecutive_failures: 10 }),
      }),
    ]);
  });

  it("raises destination.recovered with how long it was open and how many deliveries it releases", () => {
    const closed: Transition = { kind: "closed", next: CLOSED, openSeconds: 300 };
    const { signals } = attemptOutcome(
      { next: "delivered" },
      D,
      null,
      ctx({ probe: true, reach: "reachable", transition: closed, waiting: 100 }),
      43200,
      NOW,
    );
    expect(signals).toEqual([
      expect.objectContaining({
        kind: "destination.recovered",
        guard: "circuit",
        data: expect.objectContaining({ open_seconds: 300, released: 99 }),
      }),
    ]);
  });

  it("stops the delivery on 410 and says so", () => {
    const { update, signals } = attemptOutcome({ next: "failed", reason: "gone" }, D, null, ctx({ reach: "reachable" }), 43200, NOW);
    expect(update.state).toBe("failed");
    expect(signals.map((s) => s.kind)).toEqual(["destination.gone"]);
  });

  it("retries on the schedule and delivers", () => {
    expect(attemptOutcome({ next: "retry", delaySeconds: 60, errorClass: "http_5xx" }, D, null, ctx({}), 43200, NOW).update).toMatchObject({
      state: "pending",
      nextAttemptAt: "2026-12-01T12:01:00.000Z",
      hold: false,
    });
    expect(attemptOutcome({ next: "delivered" }, D, null, ctx({ reach: "reachable" }), 43200, NOW).update).toMatchObject({
      state: "delivered",
      lastError: null,
    });
  });
});
