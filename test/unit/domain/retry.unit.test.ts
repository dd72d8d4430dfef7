import { describe, expect, it } from "vitest";
import { decide, jitter, parseRetryAfter } from "../../../src/domain/retry";

const NOW = new Date("2026-11-23T18:00:00Z");
const DELAYS = [5, 60, 300];
const res = (status: number, retryAfter: string | null = null) => ({ kind: "response" as const, status, retryAfter });

describe("decide", () => {
  it.each([200, 201, 204, 299])("delivers on %i", (s) => {
    expect(decide(res(s), 1, DELAYS, NOW, 0.5)).toEqual({ next: "delivered" });
  });

  it("disables the destination for this event on 410", () => {
    expect(decide(res(410), 1, DELAYS, NOW, 0.5)).toEqual({ next: "failed", reason: "gone" });
  });

  it.each([
    [res(500), "http_5xx"],
    [res(404), "http_4xx"],
    [res(301), "redirect"],
    [res(429), "rate_limited"],
    [{ kind: "timeout" as const }, "timeout"],
    [{ kind: "network" as const }, "network"],
  ])("retries %j on the schedule", (outcome, cls) => {
    expect(decide(outcome, 2, DELAYS, NOW, 0.5)).toEqual({ next: "retry", delaySeconds: 60, errorClass: cls });
  });

  it("is exhausted after the last scheduled retry", () => {
    expect(decide(res(500), 4, DELAYS, NOW, 0.5)).toEqual({ next: "exhausted", errorClass: "http_5xx" });
  });

  it("honours Retry-After in seconds", () => {
    expect(decide(res(503, "120"), 1, DELAYS, NOW, 0.5)).toMatchObject({ next: "retry", delaySeconds: 120 });
  });

  it("honours Retry-After as an HTTP date", () => {
    expect(decide(res(429, "Mon, 23 Nov 2026 18:10:00 GMT"), 1, DELAYS, NOW, 0.5)).toMatchObject({ delaySeconds: 600 });
  });

  it("caps Retry-After at the queue's 12-hour maximum delay", () => {
    expect(decide(res(503, "999999"), 1, DELAYS, NOW, 0.5)).toMatchObject({ delaySeconds: 43200 });
  });

  it.each([
    ["0", 2, 60],
    ["1", 2, 60],
    ["30", 3, 300],
  ])("never lets Retry-After: %s shorten the schedule's own step (attempt %i waits %i s)", (header, attempt, step) => {
    expect(decide(res(503, header), attempt, DELAYS, NOW, 0.5)).toMatchObject({ next: "retry", delaySeconds: step });
    expect(decide(res(429, header), attempt, DELAYS, NOW, 0.5)).toMatchObject({ next: "retry", delaySeconds: step });
  });

  it("ignores a Retry-After it cannot read", () => {
    expect(decide(res(503, "soon"), 1, DELAYS, NOW, 0.5)).toMatchObject({ delaySeconds: 5 });
  });
});

describe("jitter", () => {
  it("stays within ±10 %", () => {
    expect(jitter(1000, 0)).toBe(900);
    expect(jitter(1000, 0.999999)).toBe(1100);
    expect(jitter(1000, 0.5)).toBe(1000);
  });
});

describe("parseRetryAfter", () => {
  it("never returns a negative delay for a date in the past", () => {
    expect(parseRetryAfter("Mon, 23 Nov 2026 17:00:00 GMT", NOW)).toBe(0);
  });
});
