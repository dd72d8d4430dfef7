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
 * Decides after attempt number `attempt` (1-based, counting only attempts that use the schedule). 2xx
 * delivers, 410 stops this delivery, anything else retries on the schedule until it runs out.
 * Retry-After may lengthen the schedule's own step (up to the queue's maximum delay), never shorten it:
 * a `Retry-After: 0` must not burn every retry in a second.
 */
export function decide(outcome: AttemptOutcome, attempt: number, delays: readonly number[], now: Date, random: number): Decision {
  const cls = errorClass(outcome);
  if (cls === null) return { next: "delivered" };
  if (cls === "gone") return { next: "failed", reason: "gone" };
  const scheduled = delays[attempt - 1];
  if (scheduled === undefined) return { next: "exhausted", errorClass: cls };
  const retryAfter = outcome.kind === "response" ? parseRetryAfter(outcome.retryAfter, now) : null;
  const step = jitter(scheduled, random);
  const delaySeconds = retryAfter !== null ? Math.max(step, retryAfter) : step;
  return { next: "retry", delaySeconds: Math.min(delaySeconds, QUEUE_MAX_DELAY_SECONDS), errorClass: cls };
}

/** Whether an attempt says the destination is up: any answer but 5xx and 429 (a 4xx is this event's problem). */
export const reachOf = (outcome: AttemptOutcome): "reachable" | "unreachable" =>
  outcome.kind === "response" && outcome.status < 500 && outcome.status !== 429 ? "reachable" : "unreachable";
