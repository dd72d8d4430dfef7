/**
 * A config destination's id, derived from its URL so that it is the same on every deploy and every
 * isolate: `dst_cfg_` + 16 hex digits (two 32-bit FNV-1a hashes of the URL). Not a secret, not a MAC:
 * it only has to be stable and distinct for the handful of URLs in FORWARD_URL.
 */
export function configDestinationId(url: string): string {
  const fnv = (seed: number): string => {
    let h = seed >>> 0;
    for (let i = 0; i < url.length; i++) {
      h ^= url.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
  };
  return `dst_cfg_${fnv(0x811c9dc5)}${fnv(0x050c5d1f)}`;
}

/** A new API destination's id: `dst_` + 24 random hex digits. */
export const newDestinationId = (): string => `dst_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

/** At most this many API destinations (config ones are not counted). */
export const API_DESTINATIONS_MAX = 20;
