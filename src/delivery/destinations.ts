import { err, ok, type Result } from "../domain/result";

/**
 * Refuses destinations that would let a misconfiguration (or someone who controls the config)
 * aim our signed POSTs at internal services: non-http(s), credentials in the URL, loopback,
 * private, link-local, CGNAT and unique-local addresses, and local-only host names. The WHATWG
 * URL parser has already folded "0x7f.1" or "2130706433" into dotted IPv4 by the time we look.
 */
export function checkDestination(raw: string, allowPrivate: boolean): Result<string, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(`"${raw}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return err(`${url.protocol} is not http(s)`);
  if (url.username || url.password) return err("credentials in the URL are not allowed");
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    return err(`${url.hostname} is a private, loopback or link-local address (set FORWARD_ALLOW_PRIVATE=true only for local development)`);
  }
  return ok(url.toString());
}

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) {
    return true;
  }
  const v4 = parseIPv4(host);
  if (v4) return isPrivateIPv4(v4);
  if (host.includes(":")) return isPrivateIPv6(host);
  return false;
}

function parseIPv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function isPrivateIPv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isPrivateIPv6(host: string): boolean {
  if (host === "::" || host === "::1") return true;
  // IPv4-mapped (::ffff:127.0.0.1 is written ::ffff:7f00:1 by the URL parser).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = Number.parseInt(mapped[1] ?? "0", 16);
    const lo = Number.parseInt(mapped[2] ?? "0", 16);
    return isPrivateIPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = Number.parseInt(host.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}
