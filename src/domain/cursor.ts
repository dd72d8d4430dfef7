/** An opaque page cursor: the (time, id) of the last row of the previous page. */
export interface Cursor {
  at: string;
  id: string;
}

export const encodeCursor = (c: Cursor): string =>
  btoa(JSON.stringify([c.at, c.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** Null when the cursor is not one we issued. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const v: unknown = JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/")));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") {
      return { at: v[0], id: v[1] };
    }
  } catch {
    // fall through
  }
  return null;
}
