/**
 * Failed sign-ins, per client IP: each refused credential counts against AUTH_FAILURE_LIMITER, and an
 * IP over it is turned away (429) for a minute before any credential is checked, so a token cannot
 * be guessed at speed. A valid request never counts: an operator is never slowed by their own use.
 */
const shedUntil = new Map<string, number>();
const SHED_MS = 60_000;
export const MAX_SIGN_IN_SHED = 10_000;

export function signInShed(ip: string, now: number): boolean {
  const until = shedUntil.get(ip);
  if (until === undefined) return false;
  if (until > now) return true;
  shedUntil.delete(ip);
  return false;
}

/** Counts one refused credential; true when the IP is now over the limit (and shed). */
export async function noteSignInFailure(env: Env, ip: string, now: number): Promise<boolean> {
  const { success } = await env.AUTH_FAILURE_LIMITER.limit({ key: ip });
  if (success) return false;
  // A flood from many IPs must not grow the map without bound: the oldest entry goes first.
  if (shedUntil.size >= MAX_SIGN_IN_SHED) {
    const oldest = shedUntil.keys().next().value;
    if (oldest !== undefined) shedUntil.delete(oldest);
  }
  shedUntil.set(ip, now + SHED_MS);
  return true;
}

export const signInShedCount = (): number => shedUntil.size;
