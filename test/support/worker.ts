import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

export type EnvOverrides = Partial<Record<keyof Env, unknown>>;

/** A fresh env object (so config is parsed anew) with some variables replaced. */
export const envWith = (overrides: EnvOverrides = {}): Env => ({ ...env, ...overrides }) as Env;

/** Calls the Worker's fetch handler and waits for its waitUntil work (KV, enqueue) to finish. */
export async function call(request: Request, overrides: EnvOverrides = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, envWith(overrides), ctx);
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
