// The one door to the Worker's API: adds the bearer token, turns problem+json into a message, and
// sends a 401 back to sign-in. The token lives in sessionStorage only: gone when the tab closes,
// never in localStorage, a cookie or a URL.

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
}

export async function api<T>(path: string, { method = "GET", accept = [], body: payload }: ApiOptions = {}): Promise<T> {
  const t = token.get();
  if (!t) {
    onUnauthorized("");
    throw new ApiError(401, "Not signed in.");
  }
  let res: Response;
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${t}`, accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = "application/json";
    const init = { method, headers, cache: "no-store" as const, ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) };
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, "The Worker could not be reached. Check your connection and try again.");
  }
  const type = res.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await res.json().catch(() => null) : null;
  if (res.status === 401) {
    token.clear();
    const message = "The API refused this token (401). Sign in with the Worker's API_TOKEN.";
    onUnauthorized(message);
    throw new ApiError(401, message, "unauthorized");
  }
  if (res.ok || accept.includes(res.status)) return body as T;
  const problem = (body ?? {}) as { detail?: unknown; title?: unknown; code?: unknown };
  const text = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : res.statusText;
  throw new ApiError(res.status, `${res.status}: ${text || "request failed"}`, typeof problem.code === "string" ? problem.code : undefined);
}

/** An error's message for the page, whatever was thrown. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
