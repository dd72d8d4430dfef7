// Cloudflare Access sign-in through the Worker: the JWT from the header or the CF_Authorization
// cookie, the key set fetched from a real loopback "team" (test/support/local-server.ts) and cached per
// isolate, refetched after a key rotation only once jose's cooldown allows it.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { accessJwt, keyFetches, newTeamKey, publicKeyAsSecretJwt, publishKeys, type TeamKey, unsignedJwt } from "../../support/access";
import { hook, paidInvoiceFor, runConsumer } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { call, READ_TOKEN, READ_TOKEN_ENV, rows, uniqueKey } from "../../support/worker";

const TEAM = env.LOCAL_SERVER;
const AUD = "aud-integration";
const ACCESS = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: `aud-other, ${AUD}` };
const logs = captureLogs();
let k1: TeamKey;
let k2: TeamKey;

const withJwt = (jwt: string, via: "header" | "cookie" = "header", init: RequestInit = {}) =>
  new Request("https://worker.test/invoices?limit=1", {
    ...init,
    headers: via === "header" ? { "cf-access-jwt-assertion": jwt } : { cookie: `theme=dark; CF_Authorization=${jwt}; other=1` },
  });
const sign = (key: TeamKey, claims = {}, aud: string | string[] = AUD) => accessJwt(key, { team: TEAM, aud, claims });
/** Moves this isolate's clock (jose's key-set cache and cooldown read Date.now()). */
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

beforeAll(async () => {
  [k1, k2] = await Promise.all([newTeamKey("team-k1"), newTeamKey("team-k2")]);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("sign-in through Cloudflare Access", () => {
  it("reads with a valid JWT in the Cf-Access-Jwt-Assertion header or the CF_Authorization cookie", async () => {
    await publishKeys(TEAM, [k1]);
    const jwt = await sign(k1);
    expect((await call(withJwt(jwt), ACCESS)).status).toBe(200);
    expect((await call(withJwt(jwt, "cookie"), ACCESS)).status).toBe(200);
    const session = await call(new Request("https://worker.test/session", { headers: { "cf-access-jwt-assertion": jwt } }), ACCESS);
    expect(await session.json()).toEqual({ actor: { kind: "access", id: "ops@shop.example" }, scope: "all" });
  });

  it("names an Access service token by its common_name", async () => {
    await publishKeys(TEAM, [k1]);
    const jwt = await sign(k1, { email: undefined, common_name: "deploy-bot.access" });
    const res = await call(new Request("https://worker.test/session", { headers: { "cf-access-jwt-assertion": jwt } }), ACCESS);
    expect(await res.json()).toMatchObject({ actor: { kind: "access", id: "deploy-bot.access" } });
  });

  it("ignores Access JWTs while ACCESS_TEAM_DOMAIN and ACCESS_AUD are not both set", async () => {
    const jwt = await sign(k1);
    expect((await call(withJwt(jwt))).status).toBe(401);
    expect((await call(withJwt(jwt), { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: "" })).status).toBe(401);
  });

  const refused: [string, () => Promise<string> | string, string][] = [
    ["another algorithm's token under the team's kid", async () => publicKeyAsSecretJwt(k1, { team: TEAM, aud: AUD }), "alg_not_allowed"],
    ["alg none", () => unsignedJwt("team-k1", { email: "x@evil.example", iss: TEAM, aud: AUD, exp: 9_999_999_999 }), "alg_not_allowed"],
    ["an expired token", () => sign(k1, { exp: Math.floor(Date.now() / 1000) - 600 }), "expired"],
    ["a token from the future", () => sign(k1, { nbf: Math.floor(Date.now() / 1000) + 600 }), "not_yet_valid"],
    ["the wrong audience", () => sign(k1, {}, "someone-elses-app"), "wrong_audience"],
    ["the wrong issuer", () => accessJwt(k1, { team: "https://evil.cloudflareaccess.com", aud: AUD }), "wrong_issuer"],
  ];
  for (const [what, make, reason] of refused) {
    it(`refuses ${what} with 401, logging ${reason} and never the token`, async () => {
      await publishKeys(TEAM, [k1]);
      const jwt = await make();
      const res = await call(withJwt(jwt, "cookie"), ACCESS);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const line = logs.find((l) => l.includes('"auth.refused"'));
      expect(JSON.parse(line ?? "{}")).toMatchObject({ via: "access", reason });
      expect(logs.join("\n")).not.toContain(jwt.split(".")[1]);
    });
  }

  it("lets an Access operator act, and records the action under their email", async () => {
    await publishKeys(TEAM, [k1]);
    const url = hook(uniqueKey());
    const { invoiceId, deliveryIds } = await paidInvoiceFor([url]);
    await runConsumer(deliveryIds);
    const ray = `ray-${uniqueKey()}`;
    const headers = { cookie: `CF_Authorization=${await sign(k1)}`, origin: "https://worker.test", "cf-ray": ray };
    const req = new Request(`https://worker.test/invoices/${invoiceId}/redeliver`, { method: "POST", headers });
    expect((await call(req, { ...ACCESS, FORWARD_URL: url })).status).toBe(202);
    const entries = await rows("SELECT actor_kind, actor_id, action FROM audit_log WHERE request_id = ?", ray);
    expect(entries).toEqual([{ actor_kind: "access", actor_id: "ops@shop.example", action: "invoice.redeliver" }]);
  });

  it("lets a bearer token decide when one is sent alongside the Access cookie", async () => {
    await publishKeys(TEAM, [k1]);
    const headers = { cookie: `CF_Authorization=${await sign(k1)}`, authorization: `Bearer ${READ_TOKEN}` };
    const res = await call(new Request("https://worker.test/session", { headers }), { ...ACCESS, ...READ_TOKEN_ENV });
    expect(await res.json()).toMatchObject({ actor: { kind: "token", id: "api_read_token" }, scope: "read" });
  });

  it("refuses a change made with the Access cookie from another origin (a cross-site form or fetch)", async () => {
    await publishKeys(TEAM, [k1]);
    const jwt = await sign(k1);
    const req = new Request("https://worker.test/deliveries/redeliver?since=2026-01-01T00:00:00Z", {
      method: "POST",
      headers: { cookie: `CF_Authorization=${jwt}`, origin: "https://evil.example" },
    });
    expect((await call(req, ACCESS)).status).toBe(401);
    expect(logs.join()).toContain('"reason":"cross_origin"');
  });

  it("fetches the key set once across many requests, and again after a rotation once jose's cooldown has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 }); // past any cache earlier tests left
    await publishKeys(TEAM, [k1]);
    const before = await keyFetches(TEAM);
    const old = await sign(k1);
    for (let i = 0; i < 8; i++) expect((await call(withJwt(old, i % 2 ? "cookie" : "header"), ACCESS)).status).toBe(200);
    expect((await keyFetches(TEAM)) - before).toBe(1);

    await publishKeys(TEAM, [k2]); // the team rotates: k1 is gone, k2 signs
    advance(1000);
    const fresh = await sign(k2);
    // Within the 30 s cooldown an unknown kid is refused without asking the team again.
    expect((await call(withJwt(fresh), ACCESS)).status).toBe(401);
    expect((await keyFetches(TEAM)) - before).toBe(1);
    advance(31_000);
    expect((await call(withJwt(fresh), ACCESS)).status).toBe(200); // unknown kid: refetched
    expect((await keyFetches(TEAM)) - before).toBe(2);
    for (let i = 0; i < 5; i++) expect((await call(withJwt(fresh), ACCESS)).status).toBe(200);
    expect((await call(withJwt(old), ACCESS)).status).toBe(401); // the retired key no longer opens anything
    expect((await keyFetches(TEAM)) - before).toBe(2);
  });

  it("refuses a kid the team does not publish (unknown_key)", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 22 * 60_000 });
    await publishKeys(TEAM, [k1]);
    const stranger = await newTeamKey("stranger");
    expect((await call(withJwt(await accessJwt(stranger, { team: TEAM, aud: AUD })), ACCESS)).status).toBe(401);
    expect(logs.join()).toContain('"reason":"unknown_key"');
  });

  it("answers 401 when the team's key set cannot be fetched, and does not count it as a failed sign-in", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 33 * 60_000 }); // the cached set has expired
    await fetch(`${TEAM}/_jwks`, { method: "PUT", body: "down" });
    const headers = { "cf-access-jwt-assertion": await sign(k1), "cf-connecting-ip": "192.0.2.201" };
    for (let i = 0; i < 25; i++) expect((await call(new Request("https://worker.test/stats", { headers }), ACCESS)).status).toBe(401);
    expect(logs.join()).toContain('"reason":"keys_unavailable"');
    await publishKeys(TEAM, [k1]);
    expect((await call(new Request("https://worker.test/stats", { headers }), ACCESS)).status).toBe(200);
  });
});
