import type { Cursor } from "../domain/cursor";
import { decodeCursor } from "../domain/cursor";
import { fail } from "../domain/errors";

const invalid = (field: string): never => fail({ code: "invalid_query", field, problem: "invalid" });

/**
 * The route's query parameters, refusing any it does not know: `?stauts=paid` is a typo that would
 * otherwise silently return everything. A repeated parameter is refused too.
 */
export function queryOf(url: string, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(url).searchParams) {
    if (!allowed.includes(key)) fail({ code: "invalid_query", field: key, problem: "unknown" });
    if (key in out) invalid(key);
    out[key] = value;
  }
  return out;
}

/** Query parameters of the list routes, validated; a bad value is 400, never a silent default. */
export function limitParam(raw: string | undefined, fallback = 50, max = 200): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) return invalid("limit");
  return n;
}

export function cursorParam(raw: string | undefined): Cursor | null {
  if (raw === undefined || raw === "") return null;
  return decodeCursor(raw) ?? invalid("cursor");
}

/** An ISO 8601 instant, normalised to the form D1 stores (toISOString). */
export function sinceParam(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) return invalid("since");
  return new Date(t).toISOString();
}

export function required<T>(value: T | null, field: string): T {
  return value ?? fail({ code: "invalid_query", field, problem: "required" });
}

export function enumParam<T extends string>(raw: string | undefined, field: string, allowed: readonly T[]): T | null {
  if (raw === undefined || raw === "") return null;
  return (allowed as readonly string[]).includes(raw) ? (raw as T) : invalid(field);
}

/** An exact text value (order_id): 1 to 256 characters. */
export function textParam(raw: string | undefined, field: string): string | null {
  if (raw === undefined) return null;
  return raw.length >= 1 && raw.length <= 256 ? raw : invalid(field);
}
