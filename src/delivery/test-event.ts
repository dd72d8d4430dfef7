import { webhookHeaders } from "../auth/sign-webhook";
import { errorClass } from "../domain/retry";
import { postOnce } from "../net/post";

/** POST /destinations/:id/test's event: signed like every event, sent now, outside the outbox; the answer is the attempt. */
export async function sendTestEvent(
  url: string,
  destinationId: string,
  secrets: readonly string[],
  timeoutMs: number,
  now: Date,
): Promise<{ status_code: number | null; latency_ms: number; error: string | null }> {
  const id = `evt_test_${crypto.randomUUID().replaceAll("-", "")}`;
  const body = JSON.stringify({
    type: "destination.test",
    timestamp: now.toISOString(),
    data: { destination_id: destinationId, requested_at: now.toISOString() },
  });
  const result = await postOnce(url, await webhookHeaders(secrets, id, now, body), body, timeoutMs);
  return {
    status_code: result.outcome.kind === "response" ? result.outcome.status : null,
    latency_ms: result.latencyMs,
    error: errorClass(result.outcome),
  };
}
