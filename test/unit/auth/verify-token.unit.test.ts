import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { secretKey, verifyToken } from "../../../src/auth/verify-token";

const SECRET = "project-secret-key";
const NOW = new Date("2026-11-23T18:00:00Z");
const nowSec = Math.floor(NOW.getTime() / 1000);

const sign = (claims: Record<string, unknown>, secret = SECRET, alg = "HS256") =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));

const verify = async (token: string, secrets = [SECRET], id = "DZLF4212", now = NOW) =>
  verifyToken(token, await Promise.all(secrets.map(secretKey)), id, now);

const reason = async (token: string, secrets?: string[], id?: string) => {
  const r = await verify(token, secrets, id);
  return r.ok ? "ok" : r.error.reason;
};

describe("verifyToken", () => {
  it("accepts CryptoCloud's token: HS256 over {id, exp} with the SECRET KEY's raw bytes", async () => {
    const r = await verify(await sign({ id: "DZLF4212", exp: nowSec + 300 }));
    expect(r).toEqual({ ok: true, value: { exp: nowSec + 300, keyIndex: 0 } });
  });

  it("accepts an id claim with the INV- prefix, in any case", async () => {
    expect(await reason(await sign({ id: "inv-dzlf4212", exp: nowSec + 300 }))).toBe("ok");
  });

  it("accepts a token signed by any configured secret (rotation) and says which", async () => {
    const r = await verify(await sign({ id: "DZLF4212", exp: nowSec + 300 }, "new-secret"), [SECRET, "new-secret"]);
    expect(r.ok && r.value.keyIndex).toBe(1);
  });

  it("refuses the wrong signature", async () => {
    expect(await reason(await sign({ id: "DZLF4212", exp: nowSec + 300 }, "someone-else"))).toBe("bad_signature");
  });

  it("refuses an expired token", async () => {
    expect(await reason(await sign({ id: "DZLF4212", exp: nowSec - 31 }))).toBe("expired");
  });

  it("forgives up to 30 s of clock skew", async () => {
    expect(await reason(await sign({ id: "DZLF4212", exp: nowSec - 29 }))).toBe("ok");
  });

  it("refuses a token without exp", async () => {
    expect(await reason(await sign({ id: "DZLF4212" }))).toBe("missing_exp");
  });

  it("refuses alg none", async () => {
    const token = new UnsecuredJWT({ id: "DZLF4212", exp: nowSec + 300 }).encode();
    expect(await reason(token)).toBe("alg_not_allowed");
  });

  it("refuses HS512 even with the right secret", async () => {
    expect(await reason(await sign({ id: "DZLF4212", exp: nowSec + 300 }, SECRET, "HS512"))).toBe("alg_not_allowed");
  });

  it("refuses a malformed token", async () => {
    expect(await reason("not.a.jwt")).toBe("malformed");
    expect(await reason("abc")).toBe("malformed");
  });

  it("refuses a token for another invoice", async () => {
    expect(await reason(await sign({ id: "OTHER123", exp: nowSec + 300 }))).toBe("id_mismatch");
  });

  it("refuses a token without an id claim", async () => {
    expect(await reason(await sign({ exp: nowSec + 300 }))).toBe("missing_id");
  });

  it("refuses the corrupt sample token from CryptoCloud's docs", async () => {
    const docs = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIAcI1NiJ9.eyJpZCI6MTMsImV4cCI6MTYzMTc4NjQyNn0.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    expect(await reason(docs, [SECRET], "13")).not.toBe("ok");
  });

  it("refuses a token signed with the API KEY when the SECRET KEY is configured", async () => {
    const apiKey = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6IjEyMyJ9.abc";
    expect(await reason(await sign({ id: "DZLF4212", exp: nowSec + 300 }, apiKey))).toBe("bad_signature");
  });
});
