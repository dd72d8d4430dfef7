import { checkDestination } from "./delivery/destinations";
import { log } from "./log";

/** Everything the Worker reads from env, validated once per isolate. */
export interface Config {
  secretKeys: string[];
  apiToken: string | null;
  forward: {
    usable: boolean; // no FORWARD_* error and a signing secret: deliveries can be created and sent
    urls: string[];
    secrets: string[]; // whsec_… as configured
    retryDelays: number[];
    timeoutMs: number;
  };
  rejectTestMode: boolean;
  apiKey: string | null;
  apiUrl: string;
  errors: string[]; // /health answers 503 while any is present
  warnings: string[];
}

export const DEFAULT_RETRY_DELAYS = [5, 60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200, 43200];
export const QUEUE_MAX_DELAY_SECONDS = 43200;
const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const JWT_LIKE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

const str = (env: Record<string, unknown>, name: string): string => {
  const v = env[name];
  return typeof v === "string" ? v.trim() : "";
};
const list = (s: string, sep: RegExp): string[] =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean);

function bool(env: Record<string, unknown>, name: string, errors: string[]): boolean {
  const v = str(env, name).toLowerCase();
  if (v === "" || v === "false" || v === "0") return false;
  if (v === "true" || v === "1") return true;
  errors.push(`${name} must be true or false`);
  return false;
}

function whsecBytes(secret: string): number {
  const m = WHSEC.exec(secret);
  if (!m?.[1]) return 0;
  try {
    return atob(m[1]).length;
  } catch {
    return 0;
  }
}

function parseDelays(raw: string, errors: string[]): number[] {
  if (raw === "") return DEFAULT_RETRY_DELAYS;
  const parts = raw.split(",").map((x) => x.trim());
  const ok = parts.every((p) => /^\d+$/.test(p) && Number(p) <= QUEUE_MAX_DELAY_SECONDS);
  if (!ok || parts.length > 50) {
    errors.push(`FORWARD_RETRY_DELAYS must be 1 to 50 comma-separated whole seconds, each at most ${QUEUE_MAX_DELAY_SECONDS}`);
    return DEFAULT_RETRY_DELAYS;
  }
  return parts.map(Number);
}

export function parseConfig(env: Record<string, unknown>): Config {
  const errors: string[] = [];
  const warnings: string[] = [];

  const secretKeys = list(str(env, "CRYPTOCLOUD_SECRET_KEY"), /[\s,]+/);
  if (secretKeys.length === 0) errors.push("CRYPTOCLOUD_SECRET_KEY is not set: every postback is refused");
  if (secretKeys.some((k) => JWT_LIKE.test(k))) {
    errors.push("CRYPTOCLOUD_SECRET_KEY looks like the API KEY (a JWT); use the project's SECRET KEY");
  }

  const apiToken = str(env, "API_TOKEN") || null;
  if (!apiToken) warnings.push("API_TOKEN is not set: the read API answers 500");
  else if (apiToken.length < 16) warnings.push("API_TOKEN is shorter than 16 characters");

  const allowPrivate = bool(env, "FORWARD_ALLOW_PRIVATE", errors);
  const urls: string[] = [];
  for (const raw of list(str(env, "FORWARD_URL"), /,/)) {
    const checked = checkDestination(raw, allowPrivate);
    if (checked.ok) urls.push(checked.value);
    else errors.push(`FORWARD_URL: ${checked.error}`);
  }
  const secrets = list(str(env, "FORWARD_SECRET"), /\s+/);
  for (const s of secrets) {
    const n = whsecBytes(s);
    if (n < 24 || n > 64) errors.push("FORWARD_SECRET must be whsec_ followed by base64 of 24 to 64 bytes");
  }
  if (urls.length > 0 && secrets.length === 0) errors.push("FORWARD_URL is set but FORWARD_SECRET is not");

  const retryDelays = parseDelays(str(env, "FORWARD_RETRY_DELAYS"), errors);
  const timeoutRaw = str(env, "FORWARD_TIMEOUT_MS");
  const timeoutMs = timeoutRaw === "" ? 15000 : Number(timeoutRaw);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120000) {
    errors.push("FORWARD_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000");
  }

  const apiUrlRaw = str(env, "CRYPTOCLOUD_API_URL") || "https://api.cryptocloud.plus";
  const apiUrl = apiUrlRaw.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(apiUrl)) errors.push("CRYPTOCLOUD_API_URL must be an http(s) URL");

  // A broken forwarding config forwards nowhere (postbacks are still recorded); /health says why.
  const usable = secrets.length > 0 && !errors.some((e) => e.startsWith("FORWARD_"));
  return {
    secretKeys,
    apiToken,
    forward: { usable, urls: usable ? urls : [], secrets, retryDelays, timeoutMs },
    rejectTestMode: bool(env, "REJECT_TEST_MODE", errors),
    apiKey: str(env, "CRYPTOCLOUD_API_KEY") || null,
    apiUrl,
    errors,
    warnings,
  };
}

const cache = new WeakMap<object, Config>();

/** The parsed config for this env object; workerd keeps one env per isolate. Problems are logged once. */
export function getConfig(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as Record<string, unknown>);
    cache.set(env, config);
    if (config.errors.length) log("error", "config.invalid", { errors: config.errors });
    if (config.warnings.length) log("warn", "config.warnings", { warnings: config.warnings });
  }
  return config;
}
