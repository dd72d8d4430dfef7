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

/**
 * The first object key that appears twice in one object, or null. `text` must already be valid JSON.
 * JSON.parse keeps the last of two `amount_crypto` keys silently; whichever one a later reader picks,
 * a body that says two things is refused. Keys are compared decoded ("a\u0062" is "ab").
 */
export function duplicateKey(text: string): string | null {
  const objects: { keys: Set<string>; expectKey: boolean }[] = [];
  const frames: ("object" | "array")[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = objects[objects.length - 1];
      if (frames[frames.length - 1] === "object" && top?.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (ch === "{") {
      frames.push("object");
      objects.push({ keys: new Set(), expectKey: true });
    } else if (ch === "[") frames.push("array");
    else if (ch === "}" || ch === "]") {
      if (frames.pop() === "object") objects.pop();
    } else if (ch === "," && frames[frames.length - 1] === "object") {
      const top = objects[objects.length - 1];
      if (top) top.expectKey = true;
    }
  }
  return null;
}

/** The first string (key or value) in a parsed JSON value that is not well-formed UTF-16 (a lone surrogate), or null. */
export function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value !== null && typeof value === "object" && !(value instanceof JsonNumber)) {
    return Object.entries(value).some(([k, v]) => !k.isWellFormed() || hasLoneSurrogate(v));
  }
  return false;
}
