import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

export type EnvOverrides = Partial<Record<keyof Env, unknown>>;

/** A fresh env object (so config is parsed anew) with some variables replaced. */
export const envWith = (overrides: EnvOverrides = {}): Env => ({ ...env, ...overrides }) as Env;

/**
 * Calls the Worker's fetch handler and waits for its waitUntil work (KV, enqueue) to finish. Each
 * request comes from its own client IP unless the test sets cf-connecting-ip, so that the rate
 * limiters (per IP, shared by every test) only ever see the traffic a test means them to.
 */
export async function call(request: Request, overrides: EnvOverrides = {}): Promise<Response> {
  const ctx = createExecutionContext();
  let req = request;
  if (!req.headers.has("cf-connecting-ip")) {
    const headers = new Headers(req.headers);
    const n = crypto.getRandomValues(new Uint16Array(1))[0] ?? 0;
    headers.set("cf-connecting-ip", `198.18.${n >> 8}.${n & 255}`);
    req = new Request(req, { headers });
  }
  const res = await worker.fetch(req, envWith(overrides), ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const api = (path: string, init: RequestInit = {}, token = env.API_TOKEN): Request =>
  new Request(`https://worker.test${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

/** What the loopback server received under `key`. */
export async function received(key: string): Promise<Array<{ path: string; headers: Record<string, string>; body: string; at: number }>> {
  const res = await fetch(`${env.LOCAL_SERVER}/_requests/${key}`);
  return res.json();
}

export const uniqueKey = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 12);

/** A unique 8-character invoice id, like CryptoCloud's. */
export const newInvoiceId = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 8).toUpperCase();

export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  const { results } = await env.DB.prepare(sql)
    .bind(...params)
    .all<T>();
  return results;
}

/** Runs the Worker's cron handler as if it fired at `at`. */
export async function runCron(at: Date, overrides: EnvOverrides = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), envWith(overrides), ctx);
  await waitOnExecutionContext(ctx);
}

/** A read-only token (API_READ_TOKEN): pass `READ_TOKEN_ENV` to a call to configure it. */
export const READ_TOKEN = "test-read-token-0123456789";
export const READ_TOKEN_ENV = { API_READ_TOKEN: READ_TOKEN };
