/**
 * The one wait of the tests that run against a real server (e2e, browser): polls `read` until
 * `until` accepts its value (by default: until it is truthy), and returns that value. Past the
 * deadline it throws, naming `what`, so a test fails where it waited rather than on a later,
 * vaguer assertion.
 */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  options: { until?: (value: T) => boolean; timeoutMs?: number; what?: string; everyMs?: number } = {},
): Promise<T> {
  const { until = Boolean, timeoutMs = 20_000, what = "condition", everyMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
