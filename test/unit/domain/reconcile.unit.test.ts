import { describe, expect, it } from "vitest";
import { readApiInvoice } from "../../../src/domain/api-invoice";
import { parseJsonExact } from "../../../src/domain/json";
import {
  afterPage,
  classifyItem,
  firstCursor,
  listWindow,
  nextRequest,
  PAGE_SIZE,
  parseSinceDay,
  readListPage,
  singleProject,
} from "../../../src/domain/reconcile";
import fixture from "../../fixtures/cryptocloud/merchant-list-response.json";

const NOW = new Date("2026-11-28T10:00:00Z");
const cursor = firstCursor({ start: "27.11.2026", end: "28.11.2026" });

describe("listWindow and parseSinceDay", () => {
  it("lists the lookback, today included, in dd.mm.yyyy", () => {
    expect(listWindow(NOW, { lookbackDays: 2 })).toEqual({ start: "27.11.2026", end: "28.11.2026" });
    expect(listWindow(NOW, { lookbackDays: 1 })).toEqual({ start: "28.11.2026", end: "28.11.2026" });
    expect(listWindow(new Date("2026-03-01T00:30:00Z"), { lookbackDays: 2 })).toEqual({ start: "28.02.2026", end: "01.03.2026" });
  });

  it("reads YYYY-MM-DD within the last 31 days, and nothing else", () => {
    expect(parseSinceDay("2026-11-01", NOW)?.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    for (const bad of ["2026-02-30", "2026-11-29", "2026-10-01", "28.11.2026", "2026-11-1"]) expect(parseSinceDay(bad, NOW)).toBeNull();
  });
});

describe("afterPage", () => {
  it("goes on after a full page with new invoices, and asks for `limit` as a count", () => {
    expect(afterPage(cursor, PAGE_SIZE, PAGE_SIZE)).toMatchObject({ offset: 100, mode: "count" });
    expect(nextRequest({ ...cursor, offset: 100 })).toMatchObject({ offset: 100, limit: 100 });
  });

  it("stops at a short page, or at a page that adds nothing new", () => {
    expect(afterPage(cursor, 99, 99)).toBeNull();
    expect(afterPage({ ...cursor, offset: 300 }, PAGE_SIZE, 0)).toBeNull();
  });

  it("probes the other reading once when a full first page is followed by an empty one", () => {
    const probe = afterPage({ ...cursor, offset: 100 }, 0, 0);
    expect(probe).toMatchObject({ mode: "probe", offset: 100 });
    expect(probe && nextRequest(probe)).toMatchObject({ offset: 100, limit: 200 });
    expect(probe && afterPage(probe, 50, 50)).toMatchObject({ mode: "end", offset: 200 });
    expect(probe && afterPage(probe, 0, 0)).toBeNull();
  });
});

describe("readListPage and classifyItem", () => {
  const page = readListPage(200, JSON.stringify(fixture));

  it("reads the shared fixture: one paid item to recover, one created to ignore", () => {
    expect(page.ok).toBe(true);
    const items = page.ok ? page.value : [];
    expect(items.map((i) => classifyItem(i, ["1"]).kind)).toEqual(["candidate", "ignored"]);
    const first = items[0];
    expect(first?.ok && first.value.paid).toMatchObject({ status: "paid", amountCrypto: "25.37", currency: "USDT_TRC20", orderId: "4411" });
  });

  it("ignores another project's items when CRYPTOCLOUD_PROJECT_ID is set", () => {
    const items = page.ok ? page.value : [];
    expect(items.map((i) => classifyItem(i, ["2"]))).toEqual([
      { kind: "ignored", reason: "other_project" },
      { kind: "ignored", reason: "other_project" },
    ]);
  });

  it.each([
    [401, "{}", "unauthorized"],
    [200, JSON.stringify({ status: "error", result: { authorization: "Unauthorized request." } }), "unauthorized"],
    [503, "", "api_error"],
    [429, "{}", "api_error"],
    [200, "<html>", "api_error"],
    [200, JSON.stringify({ status: "success", result: null }), "api_error"],
  ])("turns HTTP %i %s into a %s failure", (status, body, kind) => {
    const r = readListPage(status, body);
    expect(!r.ok && r.error.kind).toBe(kind);
  });

  it("finds a key that sees two projects", () => {
    const two = [
      readApiInvoice(parseJsonExact('{"uuid":"INV-A","status":"created","project":{"id":1}}')),
      readApiInvoice(parseJsonExact('{"uuid":"INV-B","status":"created","project":{"id":2}}')),
    ];
    expect(singleProject(null, two)).toEqual({ ok: false, error: ["1", "2"] });
    expect(singleProject("1", two.slice(0, 1))).toEqual({ ok: true, value: "1" });
    expect(singleProject("3", two.slice(0, 1))).toEqual({ ok: false, error: ["1", "3"] });
  });
});
