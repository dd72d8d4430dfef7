#!/usr/bin/env node
// `npm run bench:outage [-- --breaker-off]`: the outage scenario of issue 16. 100 paid invoices are
// forwarded to a backend that is down (503) for OUTAGE_S, then comes back. The retry schedule is the
// default's shape scaled down 10× (and the probe interval with it); the Worker runs in workerd with its
// real queue consumer. Measured: attempts during the outage, and the time from the backend's return
// until every event was accepted. See docs/performance.md.
import { createServer } from "node:http";
import { buildWorker } from "../scripts/build.mjs";
import { startLocalWorker } from "../scripts/local-worker.mjs";
import { cryptoCloudToken, postbackBody } from "../scripts/sign-postback.mjs";

const EVENTS = 100;
const OUTAGE_S = Number(process.env.OUTAGE_S ?? 90);
const AFTER_LIMIT_S = Number(process.env.AFTER_LIMIT_S ?? 120);
const SCALE = 10;
const DEFAULT = [5, 60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200, 43200];
const breakerOff = process.argv.includes("--breaker-off");
const SECRET = "bench-secret-key";

let down = true;
let returnedAt = 0;
const attempts = { outage: 0, after: 0 };
const delivered = new Map(); // webhook-id → ms after the return
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const id = String(req.headers["webhook-id"] ?? "");
    if (down) {
      attempts.outage++;
      res.writeHead(503).end("down");
      return;
    }
    attempts.after++;
    if (!delivered.has(id)) delivered.set(id, Date.now() - returnedAt);
    res.writeHead(200).end("ok");
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const receiver = `http://127.0.0.1:${server.address().port}/hook`;

const logs = process.env.BENCH_LOGS ? [] : undefined;
const worker = await startLocalWorker({
  entry: buildWorker().entry,
  logs,
  vars: {
    CRYPTOCLOUD_SECRET_KEY: SECRET,
    API_TOKEN: "bench-api-token-0123456789",
    FORWARD_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    FORWARD_URL: receiver,
    FORWARD_ALLOW_PRIVATE: "true",
    FORWARD_RETRY_DELAYS: DEFAULT.map((d) => Math.max(1, Math.round(d / SCALE))).join(","),
    CIRCUIT_PROBE_SECONDS: String(Math.round(30 / SCALE)),
    CIRCUIT_FAILURES: breakerOff ? "1000" : "10",
  },
});

const started = Date.now();
for (let i = 0; i < EVENTS; i += 10) {
  await Promise.all(
    Array.from({ length: 10 }, async (_, j) => {
      const invoice = `OUT${String(i + j).padStart(5, "0")}`;
      const token = await cryptoCloudToken(invoice, SECRET);
      const { body, contentType } = postbackBody({ invoice, amount: "1.5", currency: "USDT_TRC20", order: null, token, format: "form" });
      const res = await fetch(`${worker.url}/postback`, { method: "POST", headers: { "content-type": contentType }, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`postback ${invoice}: ${res.status}`);
    }),
  );
}
await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_S * 1000 - (Date.now() - started))));
down = false;
returnedAt = Date.now();
while (delivered.size < EVENTS && Date.now() - returnedAt < AFTER_LIMIT_S * 1000) await new Promise((r) => setTimeout(r, 100));
const times = [...delivered.values()].sort((a, b) => a - b);
const result = {
  breaker: breakerOff ? "off" : "on (CIRCUIT_FAILURES 10, probe every 3 s)",
  events: EVENTS,
  outage_s: OUTAGE_S,
  schedule: `default ÷ ${SCALE}`,
  attempts_during_outage: attempts.outage,
  delivered_after_return: delivered.size,
  all_delivered_after_s: delivered.size === EVENTS ? Math.round(times[times.length - 1] / 100) / 10 : null,
  median_after_s: times.length ? Math.round(times[Math.floor(times.length / 2)] / 100) / 10 : null,
  waited_s: Math.round((Date.now() - returnedAt) / 1000),
};
console.log(JSON.stringify(result, null, 2));
if (logs)
  console.error(
    logs
      .filter((l) => /probe|error|circuit|released|queue/.test(l) && !/delivery.held/.test(l))
      .slice(0, 60)
      .join("\n"),
  );
await worker.dispose();
server.close();
