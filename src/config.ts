import { type AccessSettings, parseAccessSettings } from "./domain/access-config";
import { alertFormat, alertTarget } from "./domain/alert";
import { ALERT_LANGUAGES, type AlertLanguage } from "./domain/alert-text";
import type { CircuitSettings } from "./domain/circuit";
import { checkDestination } from "./domain/destination";
import { configDestinationId } from "./domain/destination-id";
import { DEFAULT_PROJECT, PROJECTS_VARIABLE, type Project, parseProjects } from "./domain/projects";
import { QUEUE_MAX_DELAY_SECONDS } from "./domain/retry";
import { log } from "./log";

/** What a configuration problem stops. Callers decide by this, never by the text. */
export type Feature =
  | "postbacks"
  | "forwarding"
  | "confirmation"
  | "reconciliation"
  | "alerts"
  | "retention"
  | "read_api"
  | "queues"
  | "destinations";

/** One problem with one variable. `message` names the variable and never echoes its value. */
export interface ConfigProblem {
  code: string;
  variable: string;
  affects: Feature;
  message: string;
}

/** Everything the Worker reads from env, validated once per isolate. */
export interface Config {
  projects: Project[]; // `default` (the single-project variables) first, then CRYPTOCLOUD_PROJECTS'
  /** The variable whose error refuses every postback (not_configured), or null when postbacks can be verified. */
  postbacksBlockedBy: string | null;
  apiToken: string | null;
  readTokens: string[]; // API_READ_TOKEN: may only read
  access: AccessSettings | null; // Cloudflare Access sign-in, when both variables are set and valid
  forward: {
    usable: boolean; // no forwarding error and a signing secret: deliveries can be created and sent
    urls: string[];
    secrets: string[]; // whsec_… as configured
    retryDelays: number[];
    timeoutMs: number;
    allowPrivate: boolean; // FORWARD_ALLOW_PRIVATE: every destination URL is checked with it, at every attempt
    // The config destinations to keep in D1, or null while FORWARD_URL/FORWARD_SECRET are broken (then
    // the stored ones are left as they are rather than removed).
    configDestinations: { id: string; url: string }[] | null;
    destinationSecretsKey: string | null; // DESTINATION_SECRETS_KEY: API destinations' secrets derive from it
    circuit: CircuitSettings;
  };
  rejectTestMode: boolean;
  apiUrl: string;
  apiTimeoutMs: number; // one request to CryptoCloud's API (confirmation, a page of reconciliation)
  reconcile: { intervalMinutes: number; lookbackDays: number };
  alerts: { urls: string[]; cooldownMinutes: number; language: AlertLanguage; digestHourUtc: number | null };
  retentionDays: number;
  auditRetentionDays: number; // AUDIT_RETENTION_DAYS, whatever RETENTION_DAYS says (0 = keep all)
  undeliveredRetentionDays: number; // exhausted, failed (410) and canceled deliveries; 0 keeps them until delivered
  queues: { deliveries: string; deadLetters: string };
  errors: ConfigProblem[]; // /health answers 503 while any is present
  warnings: ConfigProblem[];
}

export const DEFAULT_RETRY_DELAYS = [5, 60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200, 43200];
const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const JWT_LIKE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;
/** Every multi-value variable takes the same separators: commas, whitespace, or both. */
const SEPARATORS = /[\s,]+/;

type Env = Record<string, unknown>;

const str = (env: Env, name: string): string => {
  const v = env[name];
  return typeof v === "string" ? v.trim() : "";
};
const list = (env: Env, name: string): string[] => str(env, name).split(SEPARATORS).filter(Boolean);

/** Collects problems while the variables are read. */
class Problems {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  error(code: string, variable: string, affects: Feature, detail: string): void {
    this.errors.push({ code, variable, affects, message: `${variable} ${detail}` });
  }
  warn(code: string, variable: string, affects: Feature, detail: string): void {
    this.warnings.push({ code, variable, affects, message: `${variable} ${detail}` });
  }
  affect(feature: Feature): boolean {
    return this.errors.some((e) => e.affects === feature);
  }
}

function bool(env: Env, name: string, affects: Feature, problems: Problems): boolean {
  const v = str(env, name).toLowerCase();
  if (v === "" || v === "false" || v === "0") return false;
  if (v === "true" || v === "1") return true;
  problems.error("not_boolean", name, affects, "must be true or false");
  return false;
}

function int(env: Env, name: string, affects: Feature, range: { min: number; max: number; fallback: number }, problems: Problems): number {
  const raw = str(env, name);
  if (raw === "") return range.fallback;
  const n = Number(raw);
  if (/^\d+$/.test(raw) && n >= range.min && n <= range.max) return n;
  problems.error("out_of_range", name, affects, `must be a whole number from ${range.min} to ${range.max}`);
  return range.fallback;
}

function urls(env: Env, name: string, affects: Feature, allowPrivate: boolean, problems: Problems): string[] {
  const out: string[] = [];
  for (const raw of list(env, name)) {
    const checked = checkDestination(raw, allowPrivate);
    if (checked.ok) out.push(checked.value);
    else problems.error("invalid_url", name, affects, checked.error);
  }
  return out;
}

/** ALERT_URL entries: a URL, or `slack:` / `discord:` / `telegram:` / `generic:` and a URL. The prefix is kept. */
function alertUrls(env: Env, allowPrivate: boolean, problems: Problems): string[] {
  const out: string[] = [];
  for (const raw of list(env, "ALERT_URL")) {
    const { format, url } = alertTarget(raw);
    const checked = checkDestination(url, allowPrivate);
    if (checked.ok) out.push(url === raw ? checked.value : `${format}:${checked.value}`);
    else problems.error("invalid_url", "ALERT_URL", "alerts", checked.error);
  }
  return out;
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

function retryDelays(env: Env, problems: Problems): number[] {
  const parts = list(env, "FORWARD_RETRY_DELAYS");
  if (parts.length === 0) return DEFAULT_RETRY_DELAYS;
  if (parts.length > 50 || !parts.every((x) => /^\d+$/.test(x) && Number(x) <= QUEUE_MAX_DELAY_SECONDS)) {
    problems.error(
      "invalid_delays",
      "FORWARD_RETRY_DELAYS",
      "forwarding",
      `must be 1 to 50 whole seconds, each at most ${QUEUE_MAX_DELAY_SECONDS}`,
    );
    return DEFAULT_RETRY_DELAYS;
  }
  return parts.map(Number);
}

function accessSettings(env: Env, problems: Problems): AccessSettings | null {
  const parsed = parseAccessSettings(str(env, "ACCESS_TEAM_DOMAIN"), list(env, "ACCESS_AUD"));
  if (parsed.ok) return parsed.value;
  problems.error("invalid_access", parsed.error.variable, "read_api", parsed.error.detail);
  return null;
}

export function parseConfig(env: Env): Config {
  const problems = new Problems();

  const secretKeys = list(env, "CRYPTOCLOUD_SECRET_KEY");
  if (secretKeys.some((k) => JWT_LIKE.test(k))) {
    problems.error(
      "looks_like_api_key",
      "CRYPTOCLOUD_SECRET_KEY",
      "postbacks",
      "looks like the API KEY (a JWT); use the project's SECRET KEY",
    );
  }

  const apiToken = str(env, "API_TOKEN") || null;
  const readTokens = list(env, "API_READ_TOKEN");
  const access = accessSettings(env, problems);
  if (!apiToken && !access) problems.warn("missing", "API_TOKEN", "read_api", "is not set: the read API answers 500");
  else if (apiToken && apiToken.length < 16) problems.warn("too_short", "API_TOKEN", "read_api", "is shorter than 16 characters");
  if (readTokens.some((t) => t.length < 16))
    problems.warn("too_short", "API_READ_TOKEN", "read_api", "has a token shorter than 16 characters");

  const allowPrivate = bool(env, "FORWARD_ALLOW_PRIVATE", "forwarding", problems);
  const forwardUrls = urls(env, "FORWARD_URL", "forwarding", allowPrivate, problems);
  const secrets = list(env, "FORWARD_SECRET");
  if (secrets.some((s) => whsecBytes(s) < 24 || whsecBytes(s) > 64)) {
    problems.error("invalid_secret", "FORWARD_SECRET", "forwarding", "must be whsec_ followed by base64 of 24 to 64 bytes");
  }
  if (forwardUrls.length > 0 && secrets.length === 0)
    problems.error("missing", "FORWARD_SECRET", "forwarding", "is not set but FORWARD_URL is");
  const delays = retryDelays(env, problems);
  const timeoutMs = int(env, "FORWARD_TIMEOUT_MS", "forwarding", { min: 100, max: 120000, fallback: 15000 }, problems);

  const apiUrl = (str(env, "CRYPTOCLOUD_API_URL") || "https://api.cryptocloud.plus").replace(/\/+$/, "");
  if (!/^https?:\/\//.test(apiUrl)) problems.error("invalid_url", "CRYPTOCLOUD_API_URL", "confirmation", "must be an http(s) URL");
  const apiKey = str(env, "CRYPTOCLOUD_API_KEY") || null;
  const apiTimeoutMs = int(env, "CRYPTOCLOUD_API_TIMEOUT_MS", "confirmation", { min: 1000, max: 30000, fallback: 10000 }, problems);

  const intervalMinutes = int(env, "RECONCILE_INTERVAL_MINUTES", "reconciliation", { min: 0, max: 1440, fallback: 10 }, problems);
  const lookbackDays = int(env, "RECONCILE_LOOKBACK_DAYS", "reconciliation", { min: 1, max: 31, fallback: 2 }, problems);
  const projectIds = list(env, "CRYPTOCLOUD_PROJECT_ID");
  if (projectIds.some((id) => !/^[\w-]{1,64}$/.test(id))) {
    problems.error("invalid_id", "CRYPTOCLOUD_PROJECT_ID", "reconciliation", "must be project ids separated by commas");
  }
  const single = secretKeys.length > 0 ? { slug: DEFAULT_PROJECT, secretKeys, apiKey, projectIds } : null;
  const { projects, problems: projectProblems } = parseProjects(str(env, "CRYPTOCLOUD_PROJECTS"), single);
  for (const p of projectProblems) problems.error(p.code, p.variable, "postbacks", p.detail);
  if (!single && apiKey)
    problems.warn("unused", "CRYPTOCLOUD_API_KEY", "confirmation", "is set but CRYPTOCLOUD_SECRET_KEY is not: it serves no project");
  if (projects.length === 0 && projectProblems.length === 0)
    problems.error("missing", "CRYPTOCLOUD_SECRET_KEY", "postbacks", "is not set: every postback is refused");
  // A wrong project list refuses every postback until fixed: with a slug or a key astray, the Worker
  // cannot tell which shop a postback belongs to.
  const postbacksBlockedBy = projectProblems.length > 0 ? PROJECTS_VARIABLE : projects.length === 0 ? "CRYPTOCLOUD_SECRET_KEY" : null;

  const alertDestinations = alertUrls(env, allowPrivate, problems);
  if (alertDestinations.some((u) => alertFormat(u) === "generic") && secrets.length === 0) {
    problems.error("missing", "FORWARD_SECRET", "alerts", "is not set: generic ALERT_URL alerts are signed with it");
  }
  const cooldownMinutes = int(env, "ALERT_COOLDOWN_MINUTES", "alerts", { min: 1, max: 10080, fallback: 60 }, problems);
  // Both only shape alerts: a wrong value is a warning (English; no digest), never alerts switched off.
  const language = str(env, "ALERT_LANGUAGE").toLowerCase() || "en";
  if (!ALERT_LANGUAGES.includes(language as AlertLanguage))
    problems.warn("invalid_language", "ALERT_LANGUAGE", "alerts", "must be en or ru: alerts are in English");
  const digestRaw = str(env, "DIGEST_HOUR_UTC");
  const digestHourUtc = /^\d{1,2}$/.test(digestRaw) && Number(digestRaw) <= 23 ? Number(digestRaw) : null;
  if (digestRaw !== "" && digestHourUtc === null)
    problems.warn("out_of_range", "DIGEST_HOUR_UTC", "alerts", "must be a whole hour from 0 to 23: no digest is sent");
  if (digestHourUtc !== null && alertDestinations.length === 0)
    problems.warn("no_destination", "DIGEST_HOUR_UTC", "alerts", "is set but ALERT_URL is not: the digest has nowhere to go");
  const retentionDays = int(env, "RETENTION_DAYS", "retention", { min: 0, max: 3650, fallback: 90 }, problems);
  const auditRetentionDays = int(env, "AUDIT_RETENTION_DAYS", "retention", { min: 0, max: 3650, fallback: 365 }, problems);
  const undeliveredDays = int(env, "UNDELIVERED_RETENTION_DAYS", "retention", { min: 0, max: 3650, fallback: 365 }, problems);
  const queues = {
    deliveries: str(env, "DELIVERY_QUEUE") || "cryptocloud-postback-deliveries",
    deadLetters: str(env, "DEAD_LETTER_QUEUE") || "cryptocloud-postback-deliveries-dlq",
  };
  if (queues.deliveries === queues.deadLetters)
    problems.error("same_queue", "DEAD_LETTER_QUEUE", "queues", "must differ from DELIVERY_QUEUE");
  const rejectTestMode = bool(env, "REJECT_TEST_MODE", "forwarding", problems);

  const destinationSecretsKey = str(env, "DESTINATION_SECRETS_KEY") || null;
  if (destinationSecretsKey !== null && destinationSecretsKey.length < 32)
    problems.error("too_short", "DESTINATION_SECRETS_KEY", "destinations", "must be at least 32 characters (e.g. openssl rand -hex 32)");
  const circuit = {
    failures: int(env, "CIRCUIT_FAILURES", "forwarding", { min: 1, max: 1000, fallback: 10 }, problems),
    probeSeconds: int(env, "CIRCUIT_PROBE_SECONDS", "forwarding", { min: 1, max: 3600, fallback: 30 }, problems),
    disableAfterHours: int(env, "DISABLE_AFTER_HOURS", "forwarding", { min: 1, max: 8760, fallback: 72 }, problems),
  };

  // A broken forwarding config forwards nowhere (postbacks are still recorded); /health says why.
  const usable = secrets.length > 0 && !problems.affect("forwarding");
  return {
    projects,
    postbacksBlockedBy,
    apiToken,
    readTokens,
    access,
    forward: {
      usable,
      urls: usable ? forwardUrls : [],
      secrets,
      retryDelays: delays,
      timeoutMs,
      allowPrivate,
      configDestinations: problems.affect("forwarding") ? null : forwardUrls.map((url) => ({ id: configDestinationId(url), url })),
      destinationSecretsKey: problems.affect("destinations") ? null : destinationSecretsKey,
      circuit,
    },
    rejectTestMode,
    apiUrl,
    apiTimeoutMs,
    // A feature whose variables are wrong stays off (and /health says why) rather than running on a
    // guess: no reconciliation on a default interval, no deletes on a default retention.
    reconcile: { intervalMinutes: problems.affect("reconciliation") ? 0 : intervalMinutes, lookbackDays },
    alerts: {
      urls: problems.affect("alerts") ? [] : alertDestinations,
      cooldownMinutes,
      language: ALERT_LANGUAGES.includes(language as AlertLanguage) ? (language as AlertLanguage) : "en",
      digestHourUtc,
    },
    retentionDays: problems.affect("retention") ? 0 : retentionDays,
    auditRetentionDays: problems.affect("retention") ? 0 : auditRetentionDays,
    // Never shorter than RETENTION_DAYS: what never arrived is kept at least as long as what did.
    undeliveredRetentionDays: undeliveredDays === 0 || retentionDays === 0 ? 0 : Math.max(undeliveredDays, retentionDays),
    queues,
    errors: problems.errors,
    warnings: problems.warnings,
  };
}

const cache = new WeakMap<object, Config>();

/** The parsed config for this env object; workerd keeps one env per isolate. Problems are logged once. */
export function getConfig(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as Env);
    cache.set(env, config);
    if (config.errors.length) log("error", "config.invalid", { errors: config.errors.map((e) => e.message) });
    if (config.warnings.length) log("warn", "config.warnings", { warnings: config.warnings.map((e) => e.message) });
  }
  return config;
}
