// `floor`: the least any durable receiver must do: parse the form, verify the HS256 token with jose,
// and insert one row in D1. The real route is measured against this.
import { jwtVerify } from "jose";

interface FloorEnv {
  DB: D1Database;
  CRYPTOCLOUD_SECRET_KEY: string;
}

// The key is imported once per isolate, as the real route does: the baseline is not handicapped.
let key: Promise<CryptoKey> | undefined;

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    key ??= crypto.subtle.importKey("raw", new TextEncoder().encode(env.CRYPTOCLOUD_SECRET_KEY), { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    const form = new URLSearchParams(await request.text());
    const token = form.get("token") ?? "";
    try {
      await jwtVerify(token, await key, { algorithms: ["HS256"] });
    } catch {
      return new Response("bad token", { status: 401 });
    }
    await env.DB.prepare("INSERT OR IGNORE INTO floor (invoice_id, amount_crypto, currency) VALUES (?1, ?2, ?3)")
      .bind(form.get("invoice_id"), form.get("amount_crypto"), form.get("currency"))
      .run();
    return new Response('{"message":"Postback received"}', { headers: { "content-type": "application/json" } });
  },
};
