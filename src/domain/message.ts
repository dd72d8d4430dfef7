import { err, ok, type Result } from "./result";

/**
 * The one queue message type. It is only a pointer (the row is in D1): a delivery to attempt, an
 * invoice to confirm with CryptoCloud's API, an alert to send, or a destination's circuit probe. `v` lets a later version change
 * the shape while old messages are still in flight.
 */
export type QueueMessage =
  | { v: 1; kind: "delivery"; id: string }
  | { v: 1; kind: "confirmation"; id: string } // the invoice id
  | { v: 1; kind: "alert"; id: string }
  | { v: 1; kind: "probe"; id: string }; // a destination whose open circuit probes at its next probe time

export type MessageKind = QueueMessage["kind"];
const KINDS: readonly MessageKind[] = ["delivery", "confirmation", "alert", "probe"];
const ID = /^[A-Za-z0-9_-]{1,80}$/;

export const queueMessage = (kind: MessageKind, id: string): QueueMessage => ({ v: 1, kind, id });

/**
 * Validates a message body. Also reads the unversioned shapes of 0.1 (`{delivery_id}`,
 * `{confirm_invoice}`), which may still be queued when this version is deployed.
 */
export function parseQueueMessage(body: unknown): Result<QueueMessage, string> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return err("not an object");
  const b = body as Record<string, unknown>;
  if (b.v === undefined) {
    if (typeof b.delivery_id === "string" && ID.test(b.delivery_id)) return ok(queueMessage("delivery", b.delivery_id));
    if (typeof b.confirm_invoice === "string" && ID.test(b.confirm_invoice)) return ok(queueMessage("confirmation", b.confirm_invoice));
    return err("unversioned message of unknown shape");
  }
  if (b.v !== 1) return err("unknown version");
  if (!KINDS.includes(b.kind as MessageKind)) return err("unknown kind");
  if (typeof b.id !== "string" || !ID.test(b.id)) return err("missing or invalid id");
  return ok(queueMessage(b.kind as MessageKind, b.id));
}

/** What a consumer decided for one message: ack it (null), or have the queue retry it after a delay. */
export interface Verdict {
  retryAfter: number | null;
}
export const ACK: Verdict = { retryAfter: null };
