import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

/**
 * The team's signing keys, one remote key set per team domain for the isolate's life: jose keeps
 * the set for 10 minutes, and fetches it again early only for an unknown `kid` (a key rotation),
 * at most once every 30 s, so a flood of made-up kids cannot hammer the team's certs endpoint.
 * jose does the fetch itself: the one fetch outside src/net/, with a 5 s timeout and no redirects.
 */
const sets = new Map<string, JWTVerifyGetKey>();

export function accessKeys(teamDomain: string): JWTVerifyGetKey {
  let set = sets.get(teamDomain);
  if (!set) {
    set = createRemoteJWKSet(new URL(`${teamDomain}/cdn-cgi/access/certs`), { timeoutDuration: 5000 });
    sets.set(teamDomain, set);
  }
  return set;
}
