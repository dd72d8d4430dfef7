import { err, ok, type Result } from "./result";

/**
 * Refuses destinations that would let a misconfiguration (or someone who controls the config)
 * aim our signed POSTs at internal services: non-http(s), credentials in the URL, every literal
 * form of a loopback, private, link-local, reserved or translated address, and local-only host
 * names. The WHATWG URL parser has already folded "0x7f.1" or "2130706433" into dotted IPv4 and
 * compressed IPv6 by the time we look. Names that *resolve* to private addresses (`*.nip.io`) are
 * the platform's to block: Workers' fetch never reaches a private network. The error never echoes
 * the value (it ends up in /health, which needs no auth).
 */
export function checkDestination(raw: string, allowPrivate: boolean): Result<string, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err("is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return err("must be an http(s) URL");
  if (url.username || url.password) return err("must not contain credentials");
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    return err("points at a private, loopback or link-local address (FORWARD_ALLOW_PRIVATE=true is for local development only)");
  }
  return ok(url.toString());
}

const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain"];

export function isPrivateHost(hostname: string): boolean {
  // A trailing dot names the same host ("localhost." is localhost).
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "");
  if (host === "" || host === "localhost" || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return true;
  const v4 = parseIPv4(host);
  if (v4) return isPrivateIPv4(v4);
  if (host.includes(":")) {
    const v6 = parseIPv6(host);
    return v6 === null || isPrivateIPv6(v6);
  }
  return false;
}

function parseIPv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function isPrivateIPv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224 // multicast, reserved, broadcast
  );
}

/** Eight 16-bit groups, or null when the text is not an IPv6 literal we can read. */
function parseIPv6(host: string): number[] | null {
  let text = host.split("%")[0] ?? "";
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[2] ?? "");
    if (!v4) return null;
    text = `${dotted[1]}${(((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16)}:${(((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const all = [...head, ...Array(fill).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

const embeddedV4 = (hi: number, lo: number): number[] => [hi >> 8, hi & 255, lo >> 8, lo & 255];

function isPrivateIPv6(groups: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroTo = (n: number) => groups.slice(0, n).every((x) => x === 0);
  if (zeroTo(6)) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zeroTo(5) && g5 === 0xffff) return isPrivateIPv4(embeddedV4(g6, g7)); // IPv4-mapped
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return isPrivateIPv4(embeddedV4(g6, g7)); // IPv4-translated
  if (g0 === 0x64 && g1 === 0xff9b) {
    // NAT64: the well-known prefix embeds the target; the local-use 64:ff9b:1::/48 is private outright.
    return g2 === 1 || isPrivateIPv4(embeddedV4(g6, g7));
  }
  if (g0 === 0x2002) return isPrivateIPv4(embeddedV4(g1, g2)); // 6to4
  if (g0 === 0x2001 && (g1 === 0 || g1 === 0xdb8)) return true; // Teredo, documentation
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only
  return (
    (g0 & 0xfe00) === 0xfc00 || // unique local
    (g0 & 0xffc0) === 0xfe80 || // link-local
    (g0 & 0xffc0) === 0xfec0 || // site-local (deprecated, still routed internally)
    (g0 & 0xff00) === 0xff00 // multicast
  );
}
