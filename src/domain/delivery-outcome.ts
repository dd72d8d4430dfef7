import type { AlertKind } from "./alert";
import type { Transition } from "./circuit";
import type { DeliveryState } from "./delivery-state";
import type { Decision } from "./retry";

/** The delivery as the attempt leased it. */
export interface AttemptedDelivery {
  id: string;
  invoice_id: string;
  event_id: string;
  destination: string; // the URL
  destination_id: string;
  attempt_count: number;
  pending_since: string | null;
}

/** What the attempt means for its destination. */
export interface CircuitContext {
  probe: boolean; // the attempt was the open circuit's probe (the oldest waiting delivery)
  transition: Transition;
  otherwiseReachable: boolean; // the destination accepted something since this delivery started waiting
  reach: "reachable" | "unreachable";
  waiting: number; // held deliveries of the destination when this attempt was leased (the probe's own included)
  threshold: number; // CIRCUIT_FAILURES
}

/** The delivery's next row. `hold`: wait for the circuit (not attempted, no retry used). */
export interface DeliveryUpdate {
  state: DeliveryState;
  nextAttemptAt: string;
  lastError: string | null;
  hold: boolean;
  probe: boolean; // this attempt does not count against the retry schedule
}

/** `guard` says which write the signal rides behind: the delivery's fenced outcome, or the circuit's transition. */
export interface OutcomeSignal {
  kind: AlertKind;
  subject: string;
  data: Record<string, unknown>;
  guard: "delivery" | "circuit";
}

/**
 * The outcome of one attempt, pure: the delivery's next state and the alerts it raises. A failed
 * probe, or a last retry that failed while the destination was down for everyone, never exhausts
 * the delivery: exhaustion means this event failed while the destination was otherwise reachable.
 */
export function attemptOutcome(
  decision: Decision,
  delivery: AttemptedDelivery,
  orderId: string | null,
  circuit: CircuitContext,
  lastDelaySeconds: number,
  now: Date,
): { update: DeliveryUpdate; signals: OutcomeSignal[] } {
  const at = now.toISOString();
  const facts = {
    invoice_id: delivery.invoice_id,
    order_id: orderId,
    event_id: delivery.event_id,
    destination: delivery.destination,
    destination_id: delivery.destination_id,
  };
  const signals: OutcomeSignal[] = [];
  const t = circuit.transition;
  const lastError = decision.next === "delivered" ? null : decision.next === "failed" ? decision.reason : decision.errorClass;
  const dest = { destination: delivery.destination, destination_id: delivery.destination_id };
  // Concurrent attempts each read the streak before the others counted: any failure on a closed circuit
  // may be the one that opens it. The signal rides on the circuit's own write (only the opener's holds).
  if (t.kind === "opened" || (t.kind === "none" && circuit.reach === "unreachable" && !circuit.probe))
    signals.push({
      kind: "destination.failing",
      subject: delivery.destination_id,
      data: { ...dest, consecutive_failures: circuit.threshold, last_error: lastError },
      guard: "circuit",
    });
  if (t.kind === "closed")
    signals.push({
      kind: "destination.recovered",
      subject: delivery.destination_id,
      data: { ...dest, open_seconds: t.openSeconds, released: Math.max(0, circuit.waiting - (circuit.probe ? 1 : 0)) },
      guard: "circuit",
    });
  if (t.kind === "disabled")
    signals.push({
      kind: "destination.disabled",
      subject: delivery.destination_id,
      data: { ...dest, opened_at: t.next.openedAt },
      guard: "circuit",
    });

  let update: DeliveryUpdate;
  if (circuit.reach === "unreachable" && (circuit.probe || (decision.next === "exhausted" && !circuit.otherwiseReachable))) {
    // Down for everyone: wait for the circuit (a probe) or keep trying at the schedule's last step.
    update = circuit.probe
      ? { state: "pending", nextAttemptAt: at, lastError, hold: true, probe: true }
      : {
          state: "pending",
          nextAttemptAt: new Date(now.getTime() + lastDelaySeconds * 1000).toISOString(),
          lastError,
          hold: false,
          probe: true,
        };
  } else if (decision.next === "retry") {
    update = {
      state: "pending",
      nextAttemptAt: new Date(now.getTime() + decision.delaySeconds * 1000).toISOString(),
      lastError,
      hold: false,
      probe: false,
    };
  } else {
    update = { state: decision.next, nextAttemptAt: at, lastError, hold: false, probe: false };
    if (decision.next === "exhausted")
      signals.push({
        kind: "delivery.exhausted",
        subject: delivery.id,
        data: { ...facts, last_error: lastError, attempts: delivery.attempt_count },
        guard: "delivery",
      });
    if (decision.next === "failed")
      signals.push({ kind: "destination.gone", subject: delivery.destination_id, data: facts, guard: "delivery" });
  }
  return { update, signals };
}
