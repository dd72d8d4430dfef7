import { fail } from "../domain/errors";
import { type Cursor, decodeCursor } from "../store/cursor";

/** Query parameters of the list routes, validated; a bad value is 400, never a silent default. */
export function limitParam(raw: string | undefined, fallback = 50, max = 200): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) return fail({ code: "invalid_query", field: "limit" });
  return n;
}

export function cursorParam(raw: string | undefined): Cursor | null {
  if (raw === undefined || raw === "") return null;
  return decodeCursor(raw) ?? fail({ code: "invalid_query", field: "cursor" });
}

/** An ISO 8601 instant, normalised to the form D1 stores (toISOString). */
export function sinceParam(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) return fail({ code: "invalid_query", field: "since" });
  return new Date(t).toISOString();
}

export function enumParam<T extends string>(raw: string | undefined, field: string, allowed: readonly T[]): T | null {
  if (raw === undefined || raw === "") return null;
  return (allowed as readonly string[]).includes(raw) ? (raw as T) : fail({ code: "invalid_query", field });
}
