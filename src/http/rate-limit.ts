import { fail } from "../domain/errors";

/** IPs whose refused postbacks went over POSTBACK_FAILURE_LIMITER, until when (this isolate's memory). */
const shedUntil = new Map<string, number>();
const SHED_MS = 60_000;
/** A flood from many IPs must not grow the map without bound: expired entries go first, then the oldest. */
export const MAX_SHED_ENTRIES = 10_000;

function shed(ip: string, now: number): void {
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

export const clientIp = (req: Request): string => req.headers.get("cf-connecting-ip") ?? "unknown";

/** Before any work: shed an IP that has been sending refused postbacks, then count this one. */
export async function admitPostback(env: Env, ip: string, now: number): Promise<void> {
  const until = shedUntil.get(ip);
  if (until !== undefined && until > now) fail({ code: "rate_limited" });
  if (until !== undefined) shedUntil.delete(ip);
  const { success } = await env.POSTBACK_LIMITER.limit({ key: ip });
  if (!success) fail({ code: "rate_limited" });
}

/** After a refused postback: count it against the strict limiter; over it, the IP is shed. */
export async function noteRefusal(env: Env, ip: string, now: number): Promise<void> {
  const { success } = await env.POSTBACK_FAILURE_LIMITER.limit({ key: ip });
  if (!success) shed(ip, now);
}
