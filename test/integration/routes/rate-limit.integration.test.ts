import { describe, expect, it } from "vitest";
import { fields, formRequest } from "../../support/postbacks";
import { call, newInvoiceId, rows } from "../../support/worker";

const from = (ip: string, req: Request) => {
  const headers = new Headers(req.headers);
  headers.set("cf-connecting-ip", ip);
  return new Request(req, { headers });
};

describe("rate limiting POST /postback", () => {
  it("sheds an IP that keeps sending refused postbacks, before parsing them", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const id = newInvoiceId();
      statuses.push((await call(from(ip, formRequest(await fields(id, { amount_crypto: "bad" }))))).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });

  it("keeps accepting valid postbacks from other IPs while one IP is shed", async () => {
    const attacker = "203.0.113.66";
    for (let i = 0; i < 35; i++) await call(from(attacker, formRequest(await fields(newInvoiceId(), { token: "x.y.z" }))));
    expect((await call(from(attacker, formRequest(await fields(newInvoiceId(), { token: "x.y.z" }))))).status).toBe(429);
    expect((await call(from("192.0.2.10", formRequest(await fields(newInvoiceId()))))).status).toBe(200);
  });

  it("records a correctly signed postback from a shed IP: only what does not verify is shed", async () => {
    // CryptoCloud's few servers share addresses: 31 refusals (a mistyped secret, fixed since) must not lose the next payment.
    const ip = "203.0.113.31";
    for (let i = 0; i < 31; i++) await call(from(ip, formRequest(await fields(newInvoiceId(), { token: "x.y.z" }))));
    expect((await call(from(ip, formRequest(await fields(newInvoiceId(), { token: "x.y.z" }))))).status).toBe(429);
    const id = newInvoiceId();
    expect((await call(from(ip, formRequest(await fields(id))))).status).toBe(200);
    expect(await rows("SELECT invoice_id FROM invoices WHERE invoice_id = ?", id)).toEqual([{ invoice_id: id }]);
    expect((await call(from(ip, formRequest(await fields(newInvoiceId(), { currency: "x" }))))).status).toBe(429);
  });

  it("does not count valid postbacks against the strict limit", async () => {
    const ip = "192.0.2.77";
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await call(from(ip, formRequest(await fields(newInvoiceId()))));
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(40).fill(200));
  });

  it("answers 429 as problem+json with Retry-After", async () => {
    const ip = "203.0.113.99";
    for (let i = 0; i < 35; i++) await call(from(ip, formRequest(await fields(newInvoiceId(), { currency: "x" }))));
    const res = await call(from(ip, formRequest(await fields(newInvoiceId(), { currency: "x" }))));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("the generous per-IP limit", () => {
  const over = { POSTBACK_LIMITER: { limit: async () => ({ success: false }) } };

  it("answers 429 to a valid postback over it, and records nothing", async () => {
    const id = newInvoiceId();
    const res = await call(formRequest(await fields(id)), over);
    expect(res.status).toBe(429);
    expect(await rows("SELECT invoice_id FROM invoices WHERE invoice_id = ?", id)).toEqual([]);
  });

  it("still answers a refused postback with its own error: the limit only gates the write", async () => {
    expect((await call(formRequest(await fields(newInvoiceId(), { token: "x.y.z" })), over)).status).toBe(401);
  });
});
