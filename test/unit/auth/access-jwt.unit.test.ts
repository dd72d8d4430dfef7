import { createLocalJWKSet, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAccessJwt } from "../../../src/auth/access-jwt";
import { parseAccessSettings } from "../../../src/domain/access-config";
import { accessJwt, newTeamKey, publicKeyAsSecretJwt, type TeamKey, unsignedJwt } from "../../support/access";

const TEAM = "https://shop.cloudflareaccess.com";
const AUD = "aud-tag-1";
const settings = { teamDomain: TEAM, audiences: ["aud-tag-0", AUD] };
let key: TeamKey;
let other: TeamKey; // not in the team's set
let keys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  [key, other] = await Promise.all([newTeamKey("k1"), newTeamKey("k-other")]);
  keys = createLocalJWKSet({ keys: [key.jwk] });
});

const nowSec = () => Math.floor(Date.now() / 1000);
const reasonOf = async (token: string, now = new Date()) => {
  const r = await verifyAccessJwt(token, keys, settings, now);
  return r.ok ? r.value : r.error.reason;
};
const signed = (claims: Record<string, unknown> = {}, k = key, aud: string | string[] = AUD, team = TEAM) =>
  accessJwt(k, { team, aud, claims });

describe("verifyAccessJwt", () => {
  it("accepts a person's token and names them by email", async () => {
    expect(await reasonOf(await signed())).toEqual({ id: "ops@shop.example", via: "email" });
  });

  it("accepts a service token and names it by common_name", async () => {
    const token = await signed({ email: undefined, common_name: "ci-bot.access", type: undefined });
    expect(await reasonOf(token)).toEqual({ id: "ci-bot.access", via: "common_name" });
  });

  it("accepts any one of several configured audiences, and an aud array that contains one", async () => {
    expect(await reasonOf(await signed({}, key, ["someone-else", AUD]))).toMatchObject({ via: "email" });
  });

  it("tolerates 30 s of clock skew on exp and nbf, and no more", async () => {
    expect(await reasonOf(await signed({ exp: nowSec() - 20 }))).toMatchObject({ via: "email" });
    expect(await reasonOf(await signed({ nbf: nowSec() + 20 }))).toMatchObject({ via: "email" });
    expect(await reasonOf(await signed({ exp: nowSec() - 40 }))).toBe("expired");
  });

  const refused: [string, () => Promise<string> | string, string][] = [
    ["an expired token", () => signed({ exp: nowSec() - 3600 }), "expired"],
    ["a token from the future (nbf)", () => signed({ nbf: nowSec() + 600, iat: nowSec() + 600 }), "not_yet_valid"],
    ["a token without exp", () => signed({ exp: undefined }), "missing_claim"],
    ["another audience", () => signed({}, key, "another-app"), "wrong_audience"],
    ["another issuer", () => signed({}, key, AUD, "https://evil.cloudflareaccess.com"), "wrong_issuer"],
    ["a kid the team does not publish", () => signed({}, other), "unknown_key"],
    ["the team's kid with another key's signature", () => signed({}, { ...other, kid: "k1" }), "bad_signature"],
    ["alg: none", () => unsignedJwt("k1", { email: "x@evil.example", iss: TEAM, aud: AUD, exp: nowSec() + 600 }), "alg_not_allowed"],
    ["HS256 with the public key as the secret", () => publicKeyAsSecretJwt(key, { team: TEAM, aud: AUD }), "alg_not_allowed"],
    [
      "another RSA algorithm under the team's kid (RS512)",
      async () =>
        new SignJWT({ email: "x@shop.example", exp: nowSec() + 600 })
          .setProtectedHeader({ alg: "RS512", kid: "k1" })
          .setIssuer(TEAM)
          .setAudience(AUD)
          .sign((await generateKeyPair("RS512")).privateKey),
      "alg_not_allowed",
    ],
    [
      "ES256 under the team's kid",
      async () =>
        new SignJWT({ email: "x@shop.example", exp: nowSec() + 600 })
          .setProtectedHeader({ alg: "ES256", kid: "k1" })
          .setIssuer(TEAM)
          .setAudience(AUD)
          .sign((await generateKeyPair("ES256")).privateKey),
      "alg_not_allowed",
    ],
    ["a token with neither email nor common_name", () => signed({ email: undefined }), "no_identity"],
    ["something that is not a JWT", () => "not.a.jwt", "malformed"],
  ];
  for (const [what, make, reason] of refused) {
    it(`refuses ${what} (${reason})`, async () => {
      expect(await reasonOf(await make())).toBe(reason);
    });
  }

  it("says keys_unavailable when the key set cannot be had, never the caller's fault", async () => {
    const down = async () => {
      throw new TypeError("network down");
    };
    const r = await verifyAccessJwt(await signed(), down, settings, new Date());
    expect(r).toEqual({ ok: false, error: { reason: "keys_unavailable", code: "fetch_failed" } });
  });
});

describe("parseAccessSettings", () => {
  it("is off when both variables are empty", () => {
    expect(parseAccessSettings("", [])).toEqual({ ok: true, value: null });
  });
  it("keeps the team's origin (a bare host gets https, a trailing slash goes)", () => {
    expect(parseAccessSettings("shop.cloudflareaccess.com/", ["a", "b"])).toEqual({
      ok: true,
      value: { teamDomain: "https://shop.cloudflareaccess.com", audiences: ["a", "b"] },
    });
  });
  it("allows plain http on loopback only", () => {
    expect(parseAccessSettings("http://127.0.0.1:8787", ["a"]).ok).toBe(true);
    expect(parseAccessSettings("http://shop.cloudflareaccess.com", ["a"])).toMatchObject({
      ok: false,
      error: { variable: "ACCESS_TEAM_DOMAIN" },
    });
    expect(parseAccessSettings("http://10.0.0.1", ["a"]).ok).toBe(false);
  });
  const bad: [string, string, string[], string][] = [
    ["a team domain without an audience", "https://shop.cloudflareaccess.com", [], "ACCESS_AUD"],
    ["an audience without a team domain", "", ["a"], "ACCESS_TEAM_DOMAIN"],
    ["a path", "https://shop.cloudflareaccess.com/cdn-cgi/access/certs", ["a"], "ACCESS_TEAM_DOMAIN"],
    ["credentials", "https://u:p@shop.cloudflareaccess.com", ["a"], "ACCESS_TEAM_DOMAIN"],
    ["not a URL", "https://", ["a"], "ACCESS_TEAM_DOMAIN"],
  ];
  for (const [what, domain, aud, variable] of bad) {
    it(`refuses ${what}`, () => {
      expect(parseAccessSettings(domain, aud)).toMatchObject({ ok: false, error: { variable } });
    });
  }
});
