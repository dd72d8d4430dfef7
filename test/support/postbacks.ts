import { env } from "cloudflare:workers";
import { SignJWT } from "jose";

export interface TokenOptions {
  id?: string | number;
  secret?: string;
  exp?: number | null; // unix seconds; null leaves exp out
  alg?: string;
  now?: Date;
}

/** A token as CryptoCloud makes it: HS256 over {id, exp}, exp = now + 5 min. */
export async function cryptoCloudToken(invoiceId: string, o: TokenOptions = {}): Promise<string> {
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = { id: o.id ?? invoiceId };
  if (o.exp !== null) claims.exp = o.exp ?? now + 300;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(o.secret ?? env.CRYPTOCLOUD_SECRET_KEY));
}

export interface PostbackFields {
  invoice_id: string;
  amount_crypto?: string | number;
  currency?: string;
  order_id?: string;
  status?: string;
  token?: string;
  invoice_info?: Record<string, unknown> | string;
  [extra: string]: unknown;
}

export async function fields(invoiceId: string, extra: Partial<PostbackFields> = {}): Promise<PostbackFields> {
  return {
    status: "success",
    invoice_id: invoiceId,
    amount_crypto: "0.4567",
    currency: "BTC",
    order_id: "ORD99999",
    token: await cryptoCloudToken(invoiceId),
    ...extra,
  };
}

const URL_POSTBACK = "https://worker.test/postback";

/** The urlencoded text of a postback's fields (an object, such as invoice_info, as its JSON). */
export function formBody(f: PostbackFields): string {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v !== undefined) body.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  return body.toString();
}

/** A form postback: its fields, or a body text the test has already written (and perhaps broken). */
export function formRequest(f: PostbackFields | string): Request {
  const body = typeof f === "string" ? f : formBody(f);
  return new Request(URL_POSTBACK, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
}

export function jsonRequest(f: PostbackFields | string, contentType: string | null = "application/json"): Request {
  const text = typeof f === "string" ? f : JSON.stringify(f);
  if (contentType === null) return untypedRequest(text);
  return new Request(URL_POSTBACK, { method: "POST", headers: { "content-type": contentType }, body: text });
}

/** A POST with no Content-Type at all (a string body would get text/plain from the fetch spec). */
export function untypedRequest(text: string): Request {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
  return new Request(URL_POSTBACK, { method: "POST", body });
}

export function multipartRequest(f: PostbackFields): Request {
  const form = new FormData();
  for (const [k, v] of Object.entries(f)) if (v !== undefined) form.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  return new Request(URL_POSTBACK, { method: "POST", body: form });
}

/** v2's invoice_info, trimmed from the fixture in shared/fixtures/v2.json. */
export function invoiceInfo(invoiceId: string, o: { status?: string; test_mode?: boolean } = {}): Record<string, unknown> {
  return {
    uuid: `INV-${invoiceId}`,
    created: "2024-08-22 11:49:59.756692",
    currency: { id: 4, code: "USDT", fullcode: "USDT_TRC20", network: { code: "TRC20", id: 4 } },
    amount: 100,
    amount_usd: 100.0,
    status: o.status ?? "paid",
    invoice_status: "success",
    received: 99.7952,
    project: { id: 0, name: "My Project" },
    test_mode: o.test_mode ?? false,
  };
}
