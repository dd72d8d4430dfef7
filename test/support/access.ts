// A fake Cloudflare Access team for tests: RS256 keys made by jose, published as the team's key set
// on the loopback server (test/support/local-server.ts), and JWTs signed as Access signs them. Runs in
// workerd and in Node alike.
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export interface TeamKey {
  kid: string;
  privateKey: PrivateKey;
  jwk: Record<string, unknown>;
}

export async function newTeamKey(kid: string): Promise<TeamKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/** Replaces the key set the team serves at <server>/cdn-cgi/access/certs (a key rotation). */
export async function publishKeys(server: string, keys: TeamKey[]): Promise<void> {
  const res = await fetch(`${server}/_jwks`, { method: "PUT", body: JSON.stringify({ keys: keys.map((k) => k.jwk) }) });
  await res.body?.cancel();
}

/** How many times the key set has been fetched so far. */
export async function keyFetches(server: string): Promise<number> {
  const res = await fetch(`${server}/_jwks`);
  return ((await res.json()) as { fetches: number }).fetches;
}

export interface JwtOptions {
  team: string; // the issuer
  aud: string | string[];
  claims?: JWTPayload; // email or common_name, or overrides of iat/nbf/exp
  lifetimeSeconds?: number;
}

/** An Access JWT as Cloudflare signs it: RS256 with the team key's kid, `email` for a person. */
export async function accessJwt(key: TeamKey, options: JwtOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email: "ops@shop.example",
    type: "app",
    iat: now,
    nbf: now,
    exp: now + (options.lifetimeSeconds ?? 600),
    ...options.claims,
  })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(options.team)
    .setAudience(options.aud)
    .sign(key.privateKey);
}

const b64url = (text: string): string => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** A token with `alg: none` and no signature, which must never pass. */
export function unsignedJwt(kid: string, payload: JWTPayload): string {
  return `${b64url(JSON.stringify({ alg: "none", kid, typ: "JWT" }))}.${b64url(JSON.stringify(payload))}.`;
}

/** The classic confusion: HS256 "signed" with the team's public key as the HMAC secret. */
export async function publicKeyAsSecretJwt(key: TeamKey, options: JwtOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const secret = new TextEncoder().encode(JSON.stringify(key.jwk));
  return new SignJWT({ email: "attacker@evil.example", iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "HS256", kid: key.kid })
    .setIssuer(options.team)
    .setAudience(options.aud)
    .sign(secret);
}
