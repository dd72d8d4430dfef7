#!/usr/bin/env node
// `npm run listen -- [--port 9000]`: a local downstream receiver, like `stripe listen`. Verifies each
// forwarded event with the standardwebhooks library and FORWARD_SECRET, answers 401 to one that does
// not verify, and prints one line per event. Point FORWARD_URL at http://127.0.0.1:9000/webhook
// (with FORWARD_ALLOW_PRIVATE=true).
import { fail, parseOptions, splitList } from "./cli.mjs";
import { readDevVars } from "./dev-vars.mjs";
import { formatEvent, startReceiver } from "./receiver.mjs";

const o = parseOptions("listen", {
  port: { type: "string", default: "9000" },
  host: { type: "string", default: "127.0.0.1" },
  secret: { type: "string" },
  "fail-first": { type: "string", default: "0" },
  status: { type: "string", default: "500" },
  help: { type: "boolean", short: "h", default: false },
});
if (o.help) {
  console.log(`npm run listen -- [--port 9000] [--host 127.0.0.1] [--secret whsec_…] [--fail-first N] [--status 500]
The secret defaults to FORWARD_SECRET from .dev.vars (several, separated by commas or whitespace:
an event signed with any of them verifies). --fail-first N answers --status to the first N attempts
of every event.`);
  process.exit(0);
}
const port = Number(o.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail("listen", "--port is a port number, 0 to 65535");
const failFirst = Number(o["fail-first"]);
if (!Number.isInteger(failFirst) || failFirst < 0) fail("listen", "--fail-first is a whole number");
const failStatus = Number(o.status);
if (!Number.isInteger(failStatus) || failStatus < 200 || failStatus > 599) fail("listen", "--status is an HTTP status, 200 to 599");
const secret = o.secret ?? readDevVars().FORWARD_SECRET;
if (splitList(secret).length === 0) fail("listen", "no secret: pass --secret or set FORWARD_SECRET in .dev.vars");

let receiver;
try {
  receiver = await startReceiver({
    port,
    host: o.host,
    secret: /** @type {string} */ (secret),
    failFirst,
    failStatus,
    onEvent: (e) => console.log(formatEvent(e)),
  });
} catch (err) {
  const code = /** @type {NodeJS.ErrnoException} */ (err).code;
  fail(
    "listen",
    code === "EADDRINUSE" ? `${o.host}:${port} is already in use: pass another --port` : /** @type {Error} */ (err).message,
    1,
  );
}
console.log(`listening on ${receiver.url} (any path); set FORWARD_URL=${receiver.url}/webhook`);
