/** A JSON number kept as the exact text it was written with: money never becomes a float. */
export class JsonNumber {
  constructor(readonly source: string) {}
}

type ReviverContext = { source?: string };

function keepNumberSource(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === "number") {
    // workerd (V8) passes the source text of primitives; fall back to the number's own text.
    return new JsonNumber(context?.source ?? String(value));
  }
  return value;
}

/** JSON.parse that keeps every number as a JsonNumber. Throws on invalid JSON. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, keepNumberSource as (this: unknown, key: string, value: unknown) => unknown);
}
