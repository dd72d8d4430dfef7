import { describe, expect, it } from "vitest";
import { readApiInvoice } from "../../../src/domain/api-invoice";
import { firstCursor, PAGE_SIZE } from "../../../src/domain/reconcile";
import { dueCursor, type ProjectReconcileState, passIsStale, servingOrder } from "../../../src/domain/reconcile-due";
import { reconcilePage } from "../../../src/domain/reconcile-page";

const NOW = new Date("2026-11-28T10:00:00Z");
const cursor = firstCursor({ start: "27.11.2026", end: "28.11.2026" });
const item = (id: string, o: Record<string, unknown> = {}) =>
  readApiInvoice({ uuid: `INV-${id}`, status: "paid", amount: "1", received: "1", currency: { code: "BTC" }, project: { id: "11" }, ...o });
const shopA = { slug: "shop-a", secretKeys: ["k"], apiKey: "api", projectIds: ["11"] };
const options = { rejectTestMode: false, configDestinations: null };

describe("reconcilePage", () => {
  it("plans this project's paid invoices under its slug, counts the rest, and goes on after a full page", () => {
    const items = [item("A1"), item("A2", { status: "created" }), item("B1", { project: { id: "12" } }), readApiInvoice({ uuid: 7 })];
    const r = reconcilePage(cursor, items, new Set(), shopA, options, NOW);
    if (!r.ok) throw new Error("refused");
    expect(r.value.plans.map((p) => [p.invoiceId, p.project])).toEqual([["A1", "shop-a"]]);
    expect(JSON.parse(r.value.plans[0]?.event.payload ?? "{}").data.project).toBe("shop-a");
    expect(r.value.counts).toEqual({ checked: 4, ignored: 3, candidates: 1 });
    expect(r.value.next).toBeNull(); // a short page ends the pass
    expect(r.value.invalid).toHaveLength(1);
  });

  it("skips invoices the run has seen, and stops at a full page that adds nothing new", () => {
    const items = Array.from({ length: PAGE_SIZE }, (_, i) => item(`X${i}`));
    const first = reconcilePage(cursor, items, new Set(), shopA, options, NOW);
    if (!first.ok) throw new Error("refused");
    expect(first.value.next).toMatchObject({ offset: PAGE_SIZE });
    const again = reconcilePage(first.value.next ?? cursor, items, new Set(first.value.seen), shopA, options, NOW);
    expect(again.ok && [again.value.plans.length, again.value.next]).toEqual([0, null]);
  });

  it("refuses the page when a project without project ids sees two projects", () => {
    const open = { ...shopA, projectIds: [] };
    expect(reconcilePage(cursor, [item("A1"), item("B1", { project: { id: "12" } })], new Set(), open, options, NOW)).toEqual({
      ok: false,
      error: { kind: "multiple_projects", ids: ["11", "12"] },
    });
  });
});

const state = (o: Partial<ProjectReconcileState>): ProjectReconcileState => ({
  project: "shop-a",
  cursor_json: null,
  pass_started_at: null,
  last_pass_at: null,
  last_run_at: null,
  last_error: null,
  last_error_code: null,
  consecutive_failures: 0,
  recovered_total: 0,
  last_result_json: null,
  ...o,
});
const due = { intervalMinutes: 10, lookbackDays: 2, force: false, since: null };
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000).toISOString();
const saved = JSON.stringify({ ...cursor, offset: 700 });

describe("dueCursor", () => {
  it("resumes an unfinished pass from its cursor on the next cron after an API error, never from the start", () => {
    const s = state({ cursor_json: saved, last_error_code: "api_error", last_run_at: ago(1), pass_started_at: ago(5) });
    expect(dueCursor(s, NOW, due)).toEqual({ cursor: { ...cursor, offset: 700 }, fresh: false });
    expect(dueCursor(s, NOW, { ...due, force: true })?.cursor.offset).toBe(700);
  });

  it("waits the interval after a refused key, unless forced", () => {
    const s = state({ cursor_json: saved, last_error_code: "api_unauthorized", last_run_at: ago(1) });
    expect(dueCursor(s, NOW, due)).toBeNull();
    expect(dueCursor({ ...s, last_run_at: ago(11) }, NOW, due)?.cursor.offset).toBe(700);
  });

  it("starts a new pass once the interval has passed since the last one started", () => {
    expect(dueCursor(state({ pass_started_at: ago(5), last_pass_at: ago(4) }), NOW, due)).toBeNull();
    expect(dueCursor(state({ pass_started_at: ago(11) }), NOW, due)).toEqual({ cursor, fresh: true });
    expect(dueCursor(undefined, NOW, due)).toEqual({ cursor, fresh: true });
  });

  it("starts over from `since` when asked", () => {
    const since = new Date("2026-11-20T00:00:00Z");
    expect(dueCursor(state({ cursor_json: saved }), NOW, { ...due, force: true, since })?.cursor).toMatchObject({
      start: "20.11.2026",
      offset: 0,
    });
  });
});

describe("passIsStale and servingOrder", () => {
  it("calls a pass stale after three intervals unfinished, not before", () => {
    expect(passIsStale(state({ cursor_json: saved, pass_started_at: ago(29) }), NOW, 10)).toBe(false);
    expect(passIsStale(state({ cursor_json: saved, pass_started_at: ago(31) }), NOW, 10)).toBe(true);
    expect(passIsStale(state({ cursor_json: null, pass_started_at: ago(90) }), NOW, 10)).toBe(false);
  });

  it("serves the least recently served project first", () => {
    const states = new Map([
      ["a", state({ project: "a", last_run_at: ago(1) })],
      ["b", state({ project: "b", last_run_at: ago(5) })],
    ]);
    expect(servingOrder([{ slug: "a" }, { slug: "b" }, { slug: "c" }], states).map((p) => p.slug)).toEqual(["c", "b", "a"]);
  });
});
