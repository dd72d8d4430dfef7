#!/usr/bin/env node
// `npm run postback -- [options]`: signs and sends a realistic CryptoCloud postback, like
// `stripe trigger`. Test your deployment without CryptoCloud.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";
import { cryptoCloudToken, postbackBody } from "./sign-postback.mjs";

const { values: o } = parseArgs({
  options: {
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
  },
});

if (o.help) {
  console.log(`npm run postback -- [--url URL] [--secret KEY] [--invoice ID] [--amount 0.4567] [--currency BTC]
  [--order ORD99999] [--format form|json] [--v2] [--status paid|overpaid|partial] [--test-mode]
  [--expired] [--wrong-secret]
The secret defaults to CRYPTOCLOUD_SECRET_KEY from .dev.vars (the first one, if several).`);
  process.exit(0);
}
if (o.format !== "form" && o.format !== "json") throw new Error("--format is form or json");
if (!["paid", "overpaid", "partial"].includes(o.status)) throw new Error("--status is paid, overpaid or partial");
if (o.status !== "paid" && !o.v2) console.warn("note: --status needs --v2 (a v1 postback always means paid); adding --v2");

const secret = o.secret ?? readDevVars().CRYPTOCLOUD_SECRET_KEY?.split(/[\s,]+/)[0];
if (!secret) {
  console.error("No secret: pass --secret or set CRYPTOCLOUD_SECRET_KEY in .dev.vars");
  process.exit(2);
}
const invoice = (o.invoice ?? randomBytes(4).toString("hex")).replace(/^INV-/i, "").toUpperCase();
const signingSecret = o["wrong-secret"] ? `${secret}-wrong` : secret;
const token = await cryptoCloudToken(invoice, signingSecret, { expired: o.expired });
const { body, contentType } = postbackBody({
  invoice,
  amount: o.amount,
  currency: o.currency,
  order: o.order,
  token,
  format: o.format,
  v2: o.v2 || o.status !== "paid" || o["test-mode"],
  status: o.status,
  testMode: o["test-mode"],
});

console.log(
  `→ POST ${o.url}  invoice ${invoice}  ${o.amount} ${o.currency}  (${o.format}${o.v2 ? ", v2" : ""}${o.expired ? ", expired token" : ""}${o["wrong-secret"] ? ", wrong secret" : ""})`,
);
const started = performance.now();
const res = await fetch(o.url, { method: "POST", headers: { "content-type": contentType }, body });
const text = await res.text();
console.log(`← ${res.status} ${res.statusText} in ${Math.round(performance.now() - started)} ms`);
console.log(text);
process.exit(res.ok ? 0 : 1);
