// The one door to the Worker's API: adds the bearer token, turns problem+json into a message, and
// sends a 401 back to sign-in. The token lives in sessionStorage only: gone when the tab closes,
// never in localStorage, a cookie or a URL. Behind Cloudflare Access there is no token: the
// browser's own Access cookie (same origin) signs every call in.
import { t } from "./i18n";

const KEY = "ccp-api-token";

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (t: string): void => sessionStorage.setItem(KEY, t),
  clear: (): void => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

let onUnauthorized: (message: string) => void = () => {};
/** main.ts registers the sign-in screen here. */
export const whenUnauthorized = (f: (message: string) => void): void => {
  onUnauthorized = f;
};

interface ApiOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** A JSON body (the destination routes). */
  body?: unknown;
  /** Non-2xx statuses whose JSON body is still an answer (GET /health is 503 when unhealthy). */
  accept?: number[];
  /** The body as a Blob (a CSV download) instead of JSON. */
  blob?: boolean;
}

export async function api<T>(path: string, { method = "GET", accept = [], blob = false, body: payload }: ApiOptions = {}): Promise<T> {
  const bearer = token.get();
  const headers: Record<string, string> = { accept: blob ? "*/*" : "application/json" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (payload !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, cache: "no-store", ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) });
  } catch {
    throw new ApiError(0, t("api.unreachable"));
  }
  if (blob && res.ok) return (await res.blob()) as T;
  const type = res.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await res.json().catch(() => null) : null;
  if (res.status === 401) {
    token.clear();
    // No token sent and no Access session: simply not signed in yet, no error to show.
    const message = bearer ? t("api.refused") : "";
    onUnauthorized(message);
    throw new ApiError(401, message, "unauthorized");
  }
  if (res.ok || accept.includes(res.status)) return body as T;
  const problem = (body ?? {}) as { detail?: unknown; title?: unknown; code?: unknown };
  const text = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : res.statusText;
  throw new ApiError(
    res.status,
    t("api.failed", { status: String(res.status), text: text || t("api.requestFailed") }),
    typeof problem.code === "string" ? problem.code : undefined,
  );
}

/** An error's message for the page, whatever was thrown. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
