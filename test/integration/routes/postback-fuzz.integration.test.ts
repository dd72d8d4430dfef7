// A table-driven and seeded-random fuzz of POST /postback through the Worker's fetch handler: no
// input may crash it (5xx), record anything, or take unbounded time.
import { describe, expect, it } from "vitest";
import { fields, formRequest, jsonRequest } from "../../support/postbacks";
import { call, newInvoiceId, rows } from "../../support/worker";

const URL_POSTBACK = "https://worker.test/postback";
const LATENCY_BOUND_MS = 1000;
/** Each request is held to LATENCY_BOUND_MS; the run of hundreds gets room on a loaded machine (vitest's 5 s is not the bound). */
const FUZZ_RUN_TIMEOUT_MS = 30_000;

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const raw = (body: BodyInit, contentType: string) =>
  new Request(URL_POSTBACK, { method: "POST", headers: { "content-type": contentType }, body });
const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

const HOSTILE: [string, () => Request][] = [
  ["1e400 as the amount", () => jsonRequest('{"invoice_id":"FUZZ0001","amount_crypto":1e400,"currency":"BTC","token":"a.b.c"}')],
  ["-0 as the amount", () => jsonRequest('{"invoice_id":"FUZZ0001","amount_crypto":-0,"currency":"BTC","token":"a.b.c"}')],
  ["NaN as the amount", () => jsonRequest('{"invoice_id":"FUZZ0001","amount_crypto":NaN,"currency":"BTC","token":"a.b.c"}')],
  [
    "a 5000-digit amount",
    () => jsonRequest(`{"invoice_id":"FUZZ0001","amount_crypto":${"9".repeat(5000)},"currency":"BTC","token":"a.b.c"}`),
  ],
  ["JSON nested 10 000 deep", () => jsonRequest(deep(10_000))],
  ["arrays nested 30 000 deep", () => jsonRequest(`${"[".repeat(30_000)}${"]".repeat(30_000)}`)],
  ["a JSON string as the body", () => jsonRequest('"postback"')],
  ["a lone surrogate in a field", () => jsonRequest('{"invoice_id":"\\ud800","amount_crypto":"1","currency":"BTC","token":"a.b.c"}')],
  [
    "NUL bytes in every field",
    () => raw("invoice_id=A%00B&amount_crypto=1%00&currency=B%00TC&token=a%00.b.c", "application/x-www-form-urlencoded"),
  ],
  ["broken percent-encoding", () => raw("invoice_id=%zz&amount_crypto=%&currency=%E0%A4&token=%", "application/x-www-form-urlencoded")],
  [
    "duplicate form keys",
    () => raw("invoice_id=A&invoice_id=B&amount_crypto=1&currency=BTC&token=a.b.c", "application/x-www-form-urlencoded"),
  ],
  [
    "a multipart body with a file",
    () => {
      const f = new FormData();
      f.append("invoice_id", "FUZZ0001");
      f.append("token", new Blob(["a.b.c"]), "token.txt");
      return new Request(URL_POSTBACK, { method: "POST", body: f });
    },
  ],
  ["a multipart type with no boundary", () => raw("--x\r\n", "multipart/form-data")],
  [
    "a token of 100 000 characters",
    () => raw(`invoice_id=FUZZ0001&amount_crypto=1&currency=BTC&token=${"a".repeat(60_000)}`, "application/x-www-form-urlencoded"),
  ],
  ["an empty body", () => raw("", "application/json")],
  [
    "an invoice_info that is a number",
    () => jsonRequest('{"invoice_id":"FUZZ0001","amount_crypto":"1","currency":"BTC","token":"a.b.c","invoice_info":5}'),
  ],
];

async function expectRefusedAndNothingRecorded(req: Request) {
  const started = performance.now();
  const res = await call(req);
  const elapsed = performance.now() - started;
  const body = (await res.json()) as { request_id?: string; code?: string };
  expect(res.status, body.code).toBeGreaterThanOrEqual(400);
  expect(res.status, body.code).toBeLessThan(500);
  expect(elapsed).toBeLessThan(LATENCY_BOUND_MS);
  expect(await rows("SELECT id FROM postbacks WHERE request_id = ?", body.request_id ?? "")).toEqual([]);
  return elapsed;
}

describe("the postback parser under hostile input", () => {
  it.each(HOSTILE)("refuses %s without crashing or recording", async (_name, make) => {
    await expectRefusedAndNothingRecorded(make());
  });

  it(
    "refuses 300 random byte strings in every content type, in bounded time",
    async () => {
      const random = prng(20261123);
      const types = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""];
      const times: number[] = [];
      for (let i = 0; i < 300; i++) {
        const bytes = Uint8Array.from({ length: Math.floor(random() * 2048) }, () => Math.floor(random() * 256));
        if (i % 3 === 0) bytes[0] = 0x7b; // starts with "{": exercises the JSON sniffing
        const type = types[i % types.length] ?? "";
        const headers: Record<string, string> = type ? { "content-type": type } : {};
        const body = new ReadableStream({
          start(c) {
            c.enqueue(bytes);
            c.close();
          },
        });
        times.push(await expectRefusedAndNothingRecorded(new Request(URL_POSTBACK, { method: "POST", headers, body })));
      }
      times.sort((a, b) => a - b);
      expect(times[times.length - 1]).toBeLessThan(LATENCY_BOUND_MS);
    },
    FUZZ_RUN_TIMEOUT_MS,
  );

  it(
    "refuses 200 mutations of a validly signed postback that break one field",
    async () => {
      const random = prng(7);
      const bad: Record<string, string[]> = {
        amount_crypto: ["-1", "1e400", "NaN", "-0", "0x10", " 1", "1,5", "∞", "", "١٢٣"],
        currency: ["btc", "", "B TC", "Ｂ", "B\u0000", "USDT-TRC20"],
        order_id: ["\u0000", "x".repeat(257), "a\u0007b", "\u001b[31m"],
        invoice_id: ["", "a/b", "ÄÖÜ", "x".repeat(65), "INV-"],
        status: ["fail", "", "SUCCESS"],
      };
      const names = Object.keys(bad);
      for (let i = 0; i < 200; i++) {
        const id = newInvoiceId();
        const name = names[Math.floor(random() * names.length)] ?? "amount_crypto";
        const choices = bad[name] ?? [];
        const value = choices[Math.floor(random() * choices.length)] ?? "";
        const f = await fields(id, { [name]: value });
        const req = random() < 0.5 ? formRequest(f) : jsonRequest(f);
        await expectRefusedAndNothingRecorded(req);
        expect(await rows("SELECT invoice_id FROM invoices WHERE invoice_id = ?", id)).toEqual([]);
      }
    },
    FUZZ_RUN_TIMEOUT_MS,
  );
});
