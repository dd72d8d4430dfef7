#!/usr/bin/env node
// `npm run postback -- [options]`: signs and sends a realistic CryptoCloud postback, like
// `stripe trigger`. Test your deployment without CryptoCloud.
import { randomBytes } from "node:crypto";
import { fail, parseOptions, splitList } from "./cli.mjs";
import { readDevVars } from "./dev-vars.mjs";
import { cryptoCloudToken, postbackBody } from "./sign-postback.mjs";

const o = parseOptions("postback", {
  url: { type: "string", default: "http://127.0.0.1:8787/postback" },
  secret: { type: "string" },
  invoice: { type: "string" },
  amount: { type: "string", default: "0.4567" },
  currency: { type: "string", default: "BTC" },
  order: { type: "string", default: "ORD99999" },
  format: { type: "string", default: "form" },
  v2: { type: "boolean", default: false },
  status: { type: "string", default: "paid" },
  "test-mode": { type: "boolean", default: false },
  expired: { type: "boolean", default: false },
  "wrong-secret": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
});

if (o.help) {
  console.log(`npm run postback -- [--url URL] [--secret KEY] [--invoice ID] [--amount 0.4567] [--currency BTC]
  [--order ORD99999] [--format form|json] [--v2] [--status paid|overpaid|partial] [--test-mode]
  [--expired] [--wrong-secret]
--v2 adds an invoice_info, as CryptoCloud's newer postbacks carry; --status other than paid and
--test-mode imply it. The secret defaults to CRYPTOCLOUD_SECRET_KEY from .dev.vars (the first, if
several are separated by commas or whitespace).`);
  process.exit(0);
}
if (o.format !== "form" && o.format !== "json") fail("postback", "--format is form or json");
if (!["paid", "overpaid", "partial"].includes(o.status)) fail("postback", "--status is paid, overpaid or partial");
if (!URL.canParse(o.url) || !/^https?:$/.test(new URL(o.url).protocol)) fail("postback", `--url ${o.url} is not an http(s) URL`);
if (!/^\d+(\.\d+)?$/.test(o.amount)) fail("postback", "--amount is a decimal, e.g. 0.4567");

const secret = splitList(o.secret ?? readDevVars().CRYPTOCLOUD_SECRET_KEY)[0];
if (!secret) fail("postback", "no secret: pass --secret or set CRYPTOCLOUD_SECRET_KEY in .dev.vars");
const invoice = (o.invoice ?? randomBytes(4).toString("hex")).replace(/^INV-/i, "").toUpperCase();
const signingSecret = o["wrong-secret"] ? `${secret}-wrong` : secret;
const token = await cryptoCloudToken(invoice, signingSecret, { expired: o.expired });
// A v1 postback always means paid: a status or test mode needs the v2 invoice_info.
const v2 = o.v2 || o.status !== "paid" || o["test-mode"];
const { body, contentType } = postbackBody({
  invoice,
  amount: o.amount,
  currency: o.currency,
  order: o.order,
  token,
  format: o.format,
  v2,
  status: o.status,
  testMode: o["test-mode"],
});

const label = [
  o.format,
  v2 ? "v2" : "v1",
  v2 && o.status !== "paid" ? o.status : "",
  o["test-mode"] ? "test mode" : "",
  o.expired ? "expired token" : "",
  o["wrong-secret"] ? "wrong secret" : "",
].filter(Boolean);
console.log(`→ POST ${o.url}  invoice ${invoice}  ${o.amount} ${o.currency}  (${label.join(", ")})`);
const started = performance.now();
let res;
try {
  res = await fetch(o.url, { method: "POST", headers: { "content-type": contentType }, body, signal: AbortSignal.timeout(30_000) });
} catch (err) {
  console.error(`← no answer: ${networkError(err, new URL(o.url))}`);
  process.exit(1);
}
const text = await res.text();
console.log(`← ${res.status} ${res.statusText} in ${Math.round(performance.now() - started)} ms`);
console.log(text);
process.exit(res.ok ? 0 : 1);

/** fetch's "fetch failed" says nothing: name the cause, and what to do about it. */
function networkError(err, url) {
  if (err?.name === "TimeoutError") return `no reply within 30 s from ${url.host}`;
  const cause = err?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code === "ECONNREFUSED") {
    const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    return `connection refused by ${url.host}${local ? ": is `npm run dev` running? (or pass --url)" : ""}`;
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot resolve ${url.hostname}`;
  return `${cause?.message ?? err?.message ?? String(err)}${code && !String(cause?.message).includes(code) ? ` (${code})` : ""}`;
}
