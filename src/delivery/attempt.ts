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
    const responseBody = await readPrefix(res, BODY_LOG_BYTES);
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

async function readPrefix(res: Response, max: number): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that breaks off still leaves its status code, which is what decides.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let offset = 0;
  for (const c of chunks) {
    const part = c.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return new TextDecoder().decode(bytes);
}
