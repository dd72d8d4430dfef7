import { err, ok, type Result } from "./result";

/** Cloudflare Access as this Worker trusts it: the team's origin (the JWT's `iss`) and the AUD tags. */
export interface AccessSettings {
  teamDomain: string; // an origin, no trailing slash: https://<team>.cloudflareaccess.com
  audiences: string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * ACCESS_TEAM_DOMAIN and ACCESS_AUD, read together: both empty is "Access off"; one without the
 * other, a path, credentials or plain http (outside loopback, which tests and local runs use) is a
 * configuration error, and Access stays off. The error never echoes the value.
 */
export function parseAccessSettings(
  rawDomain: string,
  audiences: readonly string[],
): Result<AccessSettings | null, { variable: string; detail: string }> {
  if (rawDomain === "" && audiences.length === 0) return ok(null);
  if (rawDomain === "") return err({ variable: "ACCESS_TEAM_DOMAIN", detail: "is not set but ACCESS_AUD is: Access sign-in is off" });
  if (audiences.length === 0) return err({ variable: "ACCESS_AUD", detail: "is not set but ACCESS_TEAM_DOMAIN is: Access sign-in is off" });
  let url: URL;
  try {
    url = new URL(rawDomain.includes("://") ? rawDomain : `https://${rawDomain}`);
  } catch {
    return err({ variable: "ACCESS_TEAM_DOMAIN", detail: "is not a URL: use https://<team>.cloudflareaccess.com" });
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  if (!bare) return err({ variable: "ACCESS_TEAM_DOMAIN", detail: "must be an origin only (https://<team>.cloudflareaccess.com)" });
  const loopbackHttp = url.protocol === "http:" && LOOPBACK.has(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    return err({ variable: "ACCESS_TEAM_DOMAIN", detail: "must be https (plain http only on 127.0.0.1 for local runs)" });
  }
  return ok({ teamDomain: url.origin, audiences: [...audiences] });
}
