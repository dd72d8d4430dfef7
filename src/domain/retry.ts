/** The longest delay a queue message can be given (Cloudflare Queues: 12 h). */
export const QUEUE_MAX_DELAY_SECONDS = 43200;

/** What one attempt produced, as the consumer observed it. */
export type AttemptOutcome = { kind: "response"; status: number; retryAfter: string | null } | { kind: "timeout" } | { kind: "network" };

/** What to do next with the delivery. */
export type Decision =
  | { next: "delivered" }
  | { next: "failed"; reason: "gone" }
  | { next: "retry"; delaySeconds: number; errorClass: string }
  | { next: "exhausted"; errorClass: string };

export function errorClass(outcome: AttemptOutcome): string | null {
  if (outcome.kind !== "response") return outcome.kind;
  if (outcome.status >= 200 && outcome.status < 300) return null;
  if (outcome.status === 410) return "gone";
  if (outcome.status >= 300 && outcome.status < 400) return "redirect";
  if (outcome.status === 429) return "rate_limited";
  return outcome.status >= 500 ? "http_5xx" : "http_4xx";
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** delay ± 10 %, from a random number in [0, 1) that the caller supplies. */
export const jitter = (delay: number, random: number): number => Math.max(0, Math.round(delay * (0.9 + 0.2 * random)));

/**
 * Decides after attempt number `attempt` (1-based). 2xx delivers, 410 disables this destination
 * for this event, anything else retries on the schedule until it runs out. Retry-After wins over
 * the schedule, up to the queue's maximum delay.
 */
export function decide(outcome: AttemptOutcome, attempt: number, delays: readonly number[], now: Date, random: number): Decision {
  const cls = errorClass(outcome);
  if (cls === null) return { next: "delivered" };
  if (cls === "gone") return { next: "failed", reason: "gone" };
  const scheduled = delays[attempt - 1];
  if (scheduled === undefined) return { next: "exhausted", errorClass: cls };
  const retryAfter = outcome.kind === "response" ? parseRetryAfter(outcome.retryAfter, now) : null;
  const delaySeconds = retryAfter !== null ? Math.min(retryAfter, QUEUE_MAX_DELAY_SECONDS) : jitter(scheduled, random);
  return { next: "retry", delaySeconds: Math.min(delaySeconds, QUEUE_MAX_DELAY_SECONDS), errorClass: cls };
}
