/** IPs whose refused postbacks went over POSTBACK_FAILURE_LIMITER, until when (this isolate's memory). */
const shedUntil = new Map<string, number>();
const SHED_MS = 60_000;
/** A flood from many IPs must not grow the map without bound: expired entries go first, then the oldest. */
export const MAX_SHED_ENTRIES = 10_000;

export const clientIp = (req: Request): string => req.headers.get("cf-connecting-ip") ?? "unknown";

/** Checked before any work: an IP that has been sending refused postbacks is turned away at once. */
export function isShed(ip: string, now: number): boolean {
  const until = shedUntil.get(ip);
  if (until === undefined) return false;
  if (until > now) return true;
  shedUntil.delete(ip);
  return false;
}

/** Counts this postback against the generous per-IP limit; false when over it. */
export async function withinLimit(env: Env, ip: string): Promise<boolean> {
  return (await env.POSTBACK_LIMITER.limit({ key: ip })).success;
}

/** After a refused postback: count it against the strict limiter; over it, the IP is shed. */
export async function noteRefusal(env: Env, ip: string, now: number): Promise<void> {
  const { success } = await env.POSTBACK_FAILURE_LIMITER.limit({ key: ip });
  if (success) return;
  if (shedUntil.size >= MAX_SHED_ENTRIES) {
    for (const [k, until] of shedUntil) if (until <= now) shedUntil.delete(k);
    for (const k of shedUntil.keys()) {
      if (shedUntil.size < MAX_SHED_ENTRIES) break;
      shedUntil.delete(k);
    }
  }
  shedUntil.set(ip, now + SHED_MS);
}

export const shedCount = (): number => shedUntil.size;
