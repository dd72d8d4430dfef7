import { afterEach, beforeEach } from "vitest";
import { setLogSink } from "../../src/log";

/** Captures the Worker's log lines for the current test (the Worker runs in the test's isolate). */
export function captureLogs(): string[] {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    setLogSink((line) => lines.push(line));
  });
  afterEach(() => setLogSink(() => {}));
  return lines;
}
