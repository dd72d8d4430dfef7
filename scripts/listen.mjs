#!/usr/bin/env node
// `npm run listen -- [--port 9000]`: a local downstream receiver, like `stripe listen`. Verifies each
// forwarded event with the standardwebhooks library and FORWARD_SECRET, and prints one line per
// event. Point FORWARD_URL at http://127.0.0.1:9000/webhook (with FORWARD_ALLOW_PRIVATE=true).
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";
import { startReceiver } from "./receiver.mjs";

const { values: o } = parseArgs({
  options: {
    port: { type: "string", default: "9000" },
    host: { type: "string", default: "127.0.0.1" },
    secret: { type: "string" },
    "fail-first": { type: "string", default: "0" },
    status: { type: "string", default: "500" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (o.help) {
  console.log("npm run listen -- [--port 9000] [--host 127.0.0.1] [--secret whsec_…] [--fail-first N] [--status 500]");
  process.exit(0);
}
const secret = o.secret ?? readDevVars().FORWARD_SECRET;
if (!secret) {
  console.error("No secret: pass --secret or set FORWARD_SECRET in .dev.vars");
  process.exit(2);
}
const receiver = await startReceiver({
  port: Number(o.port),
  host: o.host,
  secret,
  failFirst: Number(o["fail-first"]),
  failStatus: Number(o.status),
  onEvent: (e) => {
    const d = e.data ?? {};
    const when = new Date(Number(e.timestamp) * 1000).toISOString();
    console.log(
      [
        e.type.padEnd(16),
        String(d.invoice_id ?? "?").padEnd(10),
        `${d.amount_crypto ?? "?"} ${d.currency ?? ""}`.padEnd(24),
        e.verified ? "verified    " : "NOT VERIFIED",
        e.webhookId,
        when,
        `attempt ${e.attempt} → ${e.status}`,
        d.test_mode === true ? "TEST" : "",
      ].join("  "),
    );
  },
});
console.log(`listening on ${receiver.url} (any path); set FORWARD_URL=${receiver.url}/webhook`);
