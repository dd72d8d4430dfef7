import type { AttemptOutcome } from "../domain/retry";
import { readUpTo } from "./read-up-to";

export interface PostResult {
  outcome: AttemptOutcome;
  latencyMs: number;
  responseBody: string | null; // the first 1 KB, for the delivery log
}

const BODY_LOG_BYTES = 1024;

export const isTimeout = (e: unknown): boolean => e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");

/**
 * One POST: no redirects followed, bounded by `timeoutMs`, at most 1 KB of the reply read. Every
 * delivery attempt and every alert goes out through here.
 */
export async function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
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
    return {
      outcome: { kind: isTimeout(e) ? "timeout" : "network" },
      latencyMs: Math.round(performance.now() - started),
      responseBody: null,
    };
  }
}
