/**
 * A destination's circuit breaker, as pure transitions of (circuit, attempt result, now). The store
 * writes what these decide, fenced on `generation` (every open, close and disable bumps it), so two
 * consumers that saw the same probe result cannot both close the circuit and both release.
 */
export type CircuitState = "closed" | "open" | "half_open";

export interface Circuit {
  state: CircuitState;
  generation: number;
  consecutiveFailures: number;
  openedAt: string | null;
  nextProbeAt: string | null;
}

export interface CircuitSettings {
  failures: number; // CIRCUIT_FAILURES: consecutive unreachable attempts that open it
  probeSeconds: number; // CIRCUIT_PROBE_SECONDS: probe interval for the first PROBE_FAST_MINUTES
  disableAfterHours: number; // DISABLE_AFTER_HOURS: open this long disables the destination
}

/** How an attempt reflects on the destination: reachable (any answer but 5xx/429) or not. */
export type Reach = "reachable" | "unreachable";

/** After this long open, probes slow down to every PROBE_SLOW_SECONDS. */
export const PROBE_FAST_MINUTES = 10;
export const PROBE_SLOW_SECONDS = 300;

export type Transition =
  | { kind: "none"; next: Circuit } // closed: the streak moved (or reset)
  | { kind: "opened"; next: Circuit }
  | { kind: "closed"; next: Circuit; openSeconds: number }
  | { kind: "reprobe"; next: Circuit }
  | { kind: "disabled"; next: Circuit };

const plus = (now: Date, seconds: number): string => new Date(now.getTime() + seconds * 1000).toISOString();

/** When the probe after `now` goes out: every probeSeconds for the first 10 minutes open, then every 5 minutes. */
export function nextProbeAt(openedAt: string, now: Date, s: CircuitSettings): string {
  const openFor = now.getTime() - Date.parse(openedAt);
  return plus(now, openFor < PROBE_FAST_MINUTES * 60_000 ? s.probeSeconds : Math.max(s.probeSeconds, PROBE_SLOW_SECONDS));
}

export const CLOSED: Circuit = { state: "closed", generation: 0, consecutiveFailures: 0, openedAt: null, nextProbeAt: null };

/** The circuit after one attempt's result. Any reachable answer closes an open circuit. */
export function circuitAfter(c: Circuit, reach: Reach, now: Date, s: CircuitSettings): Transition {
  const at = now.toISOString();
  if (reach === "reachable") {
    if (c.state === "closed") return { kind: "none", next: { ...c, consecutiveFailures: 0 } };
    const openSeconds = c.openedAt ? Math.max(0, Math.round((now.getTime() - Date.parse(c.openedAt)) / 1000)) : 0;
    return { kind: "closed", next: { ...CLOSED, generation: c.generation + 1 }, openSeconds };
  }
  const failures = c.consecutiveFailures + 1;
  if (c.state === "closed") {
    if (failures < s.failures) return { kind: "none", next: { ...c, consecutiveFailures: failures } };
    return {
      kind: "opened",
      next: {
        state: "open",
        generation: c.generation + 1,
        consecutiveFailures: failures,
        openedAt: at,
        nextProbeAt: plus(now, s.probeSeconds),
      },
    };
  }
  const openedAt = c.openedAt ?? at;
  if (now.getTime() - Date.parse(openedAt) >= s.disableAfterHours * 3_600_000) {
    return {
      kind: "disabled",
      next: { ...c, state: "open", generation: c.generation + 1, consecutiveFailures: failures, nextProbeAt: null },
    };
  }
  return {
    kind: "reprobe",
    next: { ...c, state: "open", consecutiveFailures: failures, openedAt, nextProbeAt: nextProbeAt(openedAt, now, s) },
  };
}

/** A probe may go out: the circuit is not closed and its probe time has come (queue delays run a little early). */
export const probeDue = (c: Circuit, now: Date, earlyMs = 2000): boolean =>
  c.state !== "closed" && c.nextProbeAt !== null && Date.parse(c.nextProbeAt) <= now.getTime() + earlyMs;
