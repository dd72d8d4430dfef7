import { describe, expect, it } from "vitest";
import { type Circuit, CLOSED, circuitAfter, nextProbeAt, probeDue } from "../../../src/domain/circuit";

const S = { failures: 3, probeSeconds: 30, disableAfterHours: 72 };
const NOW = new Date("2026-12-01T12:00:00.000Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const open = (openedSecondsAgo: number, failures = 3): Circuit => ({
  state: "open",
  generation: 4,
  consecutiveFailures: failures,
  openedAt: ago(openedSecondsAgo),
  nextProbeAt: NOW.toISOString(),
});

describe("circuitAfter: (state, result, now) → transition", () => {
  it.each<[string, Circuit, "reachable" | "unreachable", string, Partial<Circuit>]>([
    [
      "a closed circuit counts a failure",
      { ...CLOSED, consecutiveFailures: 1 },
      "unreachable",
      "none",
      { state: "closed", consecutiveFailures: 2 },
    ],
    [
      "a closed circuit opens at CIRCUIT_FAILURES, probing after CIRCUIT_PROBE_SECONDS",
      { ...CLOSED, consecutiveFailures: 2, generation: 7 },
      "unreachable",
      "opened",
      { state: "open", consecutiveFailures: 3, generation: 8, openedAt: NOW.toISOString(), nextProbeAt: later(30) },
    ],
    [
      "a closed circuit resets its streak on any answer",
      { ...CLOSED, consecutiveFailures: 2 },
      "reachable",
      "none",
      { state: "closed", consecutiveFailures: 0 },
    ],
    [
      "a probe that fails early re-probes after CIRCUIT_PROBE_SECONDS",
      open(60),
      "unreachable",
      "reprobe",
      { state: "open", consecutiveFailures: 4, generation: 4, nextProbeAt: later(30) },
    ],
    [
      "a probe that fails after 10 minutes open re-probes after 5 minutes",
      open(601),
      "unreachable",
      "reprobe",
      { nextProbeAt: later(300) },
    ],
    [
      "a probe that fails after DISABLE_AFTER_HOURS disables",
      open(72 * 3600),
      "unreachable",
      "disabled",
      { generation: 5, nextProbeAt: null },
    ],
    ["a probe that succeeds closes, in a new generation", open(120), "reachable", "closed", { ...CLOSED, generation: 5 }],
    ["a half-open circuit closes on success", { ...open(5), state: "half_open" }, "reachable", "closed", { state: "closed" }],
  ])("%s", (_name, circuit, reach, kind, next) => {
    const t = circuitAfter(circuit, reach, NOW, S);
    expect(t.kind).toBe(kind);
    expect(t.next).toMatchObject(next);
  });

  it("says how long the circuit was open when it closes", () => {
    expect(circuitAfter(open(125), "reachable", NOW, S)).toMatchObject({ kind: "closed", openSeconds: 125 });
  });
});

describe("probes", () => {
  it("probe every CIRCUIT_PROBE_SECONDS for the first 10 minutes open, then every 5 minutes", () => {
    expect(nextProbeAt(ago(0), NOW, S)).toBe(later(30));
    expect(nextProbeAt(ago(599), NOW, S)).toBe(later(30));
    expect(nextProbeAt(ago(600), NOW, S)).toBe(later(300));
  });

  it("is due only for an open circuit whose probe time has come (2 s early allowed)", () => {
    expect(probeDue(open(60), NOW)).toBe(true);
    expect(probeDue({ ...open(60), nextProbeAt: later(2) }, NOW)).toBe(true);
    expect(probeDue({ ...open(60), nextProbeAt: later(10) }, NOW)).toBe(false);
    expect(probeDue({ ...CLOSED, nextProbeAt: ago(10) }, NOW)).toBe(false);
  });
});
