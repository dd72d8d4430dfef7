import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../../../src/domain/report-csv";
import { CSV_PAGE_ROWS } from "../../../src/routes/reports";
import { EXPORT_PAGE_SQL } from "../../../src/store/reports";
import { seedInvoices } from "../../support/invoice-rows";
import { api, call } from "../../support/worker";

const records = (text: string): string[][] => parse(text, { relax_column_count: false });

async function chunksOf(res: Response): Promise<string[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(decoder.decode(value));
  }
}

describe("GET /invoices.csv", () => {
  it("neutralises values a spreadsheet would run as a formula, and a CSV parser reads every field back", async () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", 'a "quoted", field\nnext line'];
    const at = "2033-05-01T10:00:00.000Z";
    const ids = await seedInvoices(
      hostile.map((order_id, i) => ({
        order_id,
        amount_crypto: `0.00000000000000000${i + 1}`,
        currency: "ETH",
        first_received_at: at.replace("10:00", `10:0${i}`),
      })),
    );
    const res = await call(api("/invoices.csv?from=2033-05-01&to=2033-05-01"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="invoices-2033-05-01-2033-05-01.csv"');
    const text = await res.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = records(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    expect(rows.map((r) => r[col("invoice_id")])).toEqual(ids);
    expect(rows.map((r) => r[col("order_id")])).toEqual([
      '\'=HYPERLINK("http://evil.example","x")',
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tTAB",
      "'\rCR",
      'a "quoted", field\nnext line',
    ]);
    expect(rows.map((r) => r[col("amount_crypto")])).toEqual(hostile.map((_, i) => `0.00000000000000000${i + 1}`));
    expect(rows[0]?.[col("first_received_at")]).toBe("2033-05-01T10:00:00.000Z");
    // Quoted in the file, so the cell is text even where a spreadsheet ignores the quote prefix.
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
  });

  it("streams a large export in keyset pages, oldest first, every row once", async () => {
    const n = CSV_PAGE_ROWS * 2 + 200;
    const base = Date.parse("2034-02-01T00:00:00.000Z");
    // Pairs share a timestamp, and one straddles each page end: the page key must be (time, id), not time alone.
    await seedInvoices(
      Array.from({ length: n }, (_, i) => ({
        amount_crypto: `${i}.5`,
        first_received_at: new Date(base + Math.floor((i + 1) / 2) * 1000).toISOString(),
      })),
    );
    const res = await call(api("/invoices.csv?from=2034-02-01&to=2034-02-02&status=paid"));
    const chunks = await chunksOf(res);
    expect(chunks).toHaveLength(1 + 3); // the header, then one chunk per page
    const rows = records(chunks.join("")).slice(1);
    expect(rows).toHaveLength(n);
    const ids = rows.map((r) => r[0]);
    expect(new Set(ids).size).toBe(n);
    const keys = rows.map((r) => `${r[11]} ${r[0]}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it("filters on status and refuses an unknown one", async () => {
    await seedInvoices([
      { status: "partial", first_received_at: "2035-07-07T07:00:00.000Z" },
      { status: "paid", first_received_at: "2035-07-07T08:00:00.000Z" },
    ]);
    const rows = records(await (await call(api("/invoices.csv?from=2035-07-07&to=2035-07-07&status=partial"))).text()).slice(1);
    expect(rows.map((r) => r[2])).toEqual(["partial"]);
    expect((await call(api("/invoices.csv?status=refunded"))).status).toBe(400);
    expect((await call(api("/invoices.csv?project=Not_A_Slug"))).status).toBe(400);
  });

  it("refuses a caller without the API token", async () => {
    expect((await call(new Request("https://worker.test/invoices.csv"))).status).toBe(401);
  });

  it("reads each page by a range search on an index, in index order (no sort, no scan)", async () => {
    const { env } = await import("cloudflare:workers");
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${EXPORT_PAGE_SQL}`)
      .bind("2031-01-01T00:00:00.000Z", "2031-02-01T00:00:00.000Z", null, null, "2031-01-05T00:00:00.000Z", "AAAA", 2500)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail);
    expect(plan).toEqual([
      expect.stringMatching(/^SEARCH i USING INDEX invoices_newest \(first_received_at>\? AND first_received_at<\?\)$/),
    ]);
  });
});

describe("GET /invoices.csv at its bound", () => {
  it("streams 100,000 invoices, sums them exactly by day, then refuses one more invoice with a clean 400 before the first byte", async () => {
    const { env } = await import("cloudflare:workers");
    const seed = (from: number, count: number) =>
      env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2 - 1)
         INSERT INTO invoices (invoice_id, status, status_rank, amount_crypto, currency, first_received_at, last_received_at, updated_at)
         SELECT printf('B%07d', i), 'paid', 2, printf('%d.%018d', i, i), 'ETH', t, t, t
         FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '2036-01-01', printf('+%d seconds', i)) AS t FROM n)`,
      )
        .bind(from, count)
        .run();
    await seed(0, 100_000);
    const started = Date.now();
    const res = await call(api("/invoices.csv?from=2036-01-01&to=2036-01-31"));
    const chunks = await chunksOf(res);
    const ms = Date.now() - started;
    const rows = records(chunks.join("")).slice(1);
    expect(rows).toHaveLength(100_000);
    expect(rows[99_999]?.[3]).toBe("99999.000000000000099999");
    expect(chunks).toHaveLength(1 + 100_000 / CSV_PAGE_ROWS); // the header, then 40 pages: no empty last query
    console.log(`csv export: 100000 rows, ${chunks.join("").length} bytes, ${ms} ms`);
    // The same 100,000 invoices in the daily report: one query, sums exact to the last of 18 decimals.
    const t0 = Date.now();
    const report = await call(api("/reports/daily?from=2036-01-01&to=2036-01-03"));
    const { days } = (await report.json()) as { days: { by_currency: Record<string, string>; invoices: number }[] };
    console.log(`daily report over 100000 invoices: ${Date.now() - t0} ms`);
    expect(days.map((d) => [d.invoices, d.by_currency.ETH])).toEqual([
      [86_400, "3732436800.0000000037324368"],
      [13_600, "1267513200.0000000012675132"],
      [0, undefined],
    ]);
    await seed(100_000, 1);
    const refused = await call(api("/invoices.csv?from=2036-01-01&to=2036-01-31"));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe("export_too_large");
  }, 60_000);
});
