/**
 * One JSON object per line, for Workers Logs. Callers pass ids, codes and numbers: never a token,
 * a secret or a body. Tests may replace the sink to read what was logged.
 */
export type Level = "debug" | "info" | "warn" | "error";
export type LogSink = (line: string, level: Level) => void;

const consoleSink: LogSink = (line, level) => {
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};

let sink: LogSink = consoleSink;

export function setLogSink(next: LogSink | null): void {
  sink = next ?? consoleSink;
}

export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  sink(JSON.stringify({ level, event, ...fields }), level);
}
