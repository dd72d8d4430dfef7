import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../../src/domain/cursor";

describe("page cursors", () => {
  it("round-trip (time, id), URL-safe and without padding", () => {
    const c = { at: "2026-11-28T10:00:00.000Z", id: "DZLF4212?/+" };
    const s = encodeCursor(c);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s)).toEqual(c);
  });

  it.each(["%%%", "", "bm90IGpzb24", btoa(JSON.stringify(["only-one"])), btoa(JSON.stringify([1, 2])), btoa("{}")])(
    "refuse %j, which we never issued",
    (s) => {
      expect(decodeCursor(s)).toBeNull();
    },
  );
});
