import { env } from "cloudflare:workers";
import { uniqueKey } from "./worker";

/** What the fake API answers: an HTTP status and a JSON body (or raw text). */
export interface Canned {
  status: number;
  body: unknown;
  sleep_ms?: number;
}

export const API_KEY = "eyJhbGciOiJIUzI1NiJ9.api-key.sig";

/** A fake CryptoCloud API on loopback; `replies` are served in order, the last one repeatedly. */
export async function fakeApi(replies: Canned[]) {
  const key = uniqueKey();
  await fetch(`${env.LOCAL_SERVER}/_program/${key}`, { method: "POST", body: JSON.stringify(replies) });
  return { key, url: `${env.LOCAL_SERVER}/api/${key}` };
}

/** The requests the fake API received, oldest first, with their JSON bodies parsed. */
export async function apiRequests(
  key: string,
): Promise<{ path: string; headers: Record<string, string>; json: Record<string, unknown> }[]> {
  const res = await fetch(`${env.LOCAL_SERVER}/_requests/${key}`);
  const list = (await res.json()) as { path: string; headers: Record<string, string>; body: string }[];
  return list.map((r) => ({ path: r.path, headers: r.headers, json: JSON.parse(r.body || "{}") }));
}

/** One invoice as merchant/info and merchant/list describe it (shared/fixtures/merchant-list-response.json). */
export const apiInvoice = (id: string, o: Record<string, unknown> = {}) => ({
  uuid: `INV-${id}`,
  created: "2026-11-24 18:02:41.512093",
  status: "paid",
  invoice_status: "success",
  amount: 0.4567,
  amount_usd: 31000.5,
  received: 0.4567,
  order_id: "ORD99999",
  currency: { id: 1, code: "BTC", fullcode: "BTC", network: { code: "BTC", id: 1 } },
  project: { id: 1, name: "MyStore" },
  test_mode: false,
  ...o,
});

export const success = (result: unknown[]): Canned => ({ status: 200, body: { status: "success", result } });

/** A fake CryptoCloud account on loopback: merchant/list pages `items` by offset and limit, merchant/info finds them by uuid. */
export async function fakeAccount(program: {
  items: unknown[];
  limit_means?: "count" | "end";
  ignore_offset?: boolean;
  fail_from?: number;
  fail_status?: number;
  fail_body?: unknown;
  flaky?: { rate: number; seed: number; stall_ms?: number };
  keys?: Record<string, string[]>;
}) {
  const key = uniqueKey();
  await fetch(`${env.LOCAL_SERVER}/_list/${key}`, { method: "POST", body: JSON.stringify(program) });
  return { key, url: `${env.LOCAL_SERVER}/api/${key}` };
}
