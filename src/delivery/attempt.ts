import { readUpTo } from "../http/read-up-to";
import type { AttemptOutcome } from "./policy";

export interface AttemptResult {
  outcome: AttemptOutcome;
  latencyMs: number;
  responseBody: string | null; // the first 1 KB, for the delivery log
}

const BODY_LOG_BYTES = 1024;

/** One POST of the event: no redirects followed, bounded by `timeoutMs`. The only fetch of a delivery. */
export async function attempt(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    // A reply body that breaks off still leaves its status code, which is what decides.
    const responseBody = await readUpTo(res.body, BODY_LOG_BYTES).then(
      ({ bytes }) => new TextDecoder().decode(bytes),
      () => null,
    );
    return {
      outcome: { kind: "response", status: res.status, retryAfter: res.headers.get("retry-after") },
      latencyMs: Math.round(performance.now() - started),
      responseBody,
    };
  } catch (e) {
    const timeout = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    return { outcome: { kind: timeout ? "timeout" : "network" }, latencyMs: Math.round(performance.now() - started), responseBody: null };
  }
}
