// Builds a realistic, signed CryptoCloud postback (what `npm run postback` sends, and what the
// benchmark and e2e test post). The token is what CryptoCloud signs: HS256 over {id, exp}.
import { SignJWT } from "jose";

/** @param {string} invoiceId @param {string} secret @param {{ expired?: boolean, now?: number }} [o] */
export function cryptoCloudToken(invoiceId, secret, o = {}) {
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  return new SignJWT({ id: invoiceId, exp: o.expired ? now - 600 : now + 300 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/**
 * @param {{ invoice: string, amount: string, currency: string, order?: string | null, token: string,
 *   format: "form" | "json", v2?: boolean, status?: string, testMode?: boolean }} p
 * @returns {{ body: string, contentType: string }}
 */
export function postbackBody(p) {
  const fields = {
    status: "success",
    invoice_id: p.invoice,
    amount_crypto: p.amount,
    currency: p.currency,
    order_id: p.order ?? "",
    token: p.token,
  };
  const info = p.v2
    ? {
        uuid: `INV-${p.invoice}`,
        created: new Date().toISOString().replace("T", " ").replace("Z", ""),
        currency: { code: p.currency.split("_")[0], fullcode: p.currency },
        amount: Number(p.amount),
        status: p.status ?? "paid",
        invoice_status: "success",
        test_mode: Boolean(p.testMode),
        project: { id: 0, name: "Local test" },
      }
    : null;
  if (p.format === "json") {
    // amount_crypto is a JSON number in JSON mode, written with its exact digits.
    const json = JSON.stringify({ ...fields, amount_crypto: "__AMOUNT__", ...(info ? { invoice_info: info } : {}) });
    return { body: json.replace('"__AMOUNT__"', p.amount), contentType: "application/json" };
  }
  const form = new URLSearchParams(fields);
  if (info) form.set("invoice_info", JSON.stringify(info));
  return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
}
