#!/usr/bin/env node
// `npm run bench [-- --quick]`: the Worker in workerd (Miniflare's API, no dev proxy), driven over
// loopback by autocannon at a fixed concurrency and duration, each configuration measured in this
// one run against baselines measured in the same run. See docs/performance.md.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { build } from "esbuild";
import { buildWorker } from "../scripts/build.mjs";
import { startLocalWorker } from "../scripts/local-worker.mjs";
import { startReceiver } from "../scripts/receiver.mjs";
import { cryptoCloudToken, postbackBody } from "../scripts/sign-postback.mjs";

const QUICK = process.argv.includes("--quick");
const DURATION_S = QUICK ? Number(process.env.BENCH_QUICK_S ?? 1) : 10;
const CONNECTIONS = 16;
const FORWARD_N = QUICK ? 20 : 300;
const SECRET = "bench-secret-key";
const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
// The benchmark comes from one IP: the limits are raised so that they are called but never trip.
const unlimited = (namespace_id) => ({ namespace_id, simple: { limit: 1_000_000_000, period: 60 } });

/** workerd's CPU time (user + system, ms) for every workerd child of this process. */
function workerdCpuMs() {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (!comm.startsWith("workerd") || Number(rest[1]) !== process.pid) continue;
      total += ((Number(rest[11]) + Number(rest[12])) / tick) * 1000;
    } catch {
      // the process went away
    }
  }
  return total;
}

/** Pre-signed bodies, so the load generator spends no time signing. */
async function bodies(n, prefix) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const invoice = `${prefix}${String(i).padStart(7, "0")}`;
    const token = await cryptoCloudToken(invoice, SECRET);
    out.push(
      postbackBody({
        invoice,
        amount: `0.${String(i + 1).padStart(18, "0")}`,
        currency: "USDT_TRC20",
        order: `o-${i}`,
        token,
        format: "form",
      }).body,
    );
  }
  return out;
}

async function load(url, nextBody) {
  const result = await autocannon({
    url: `${url}/postback`,
    method: "POST",
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    requests: [{ setupRequest: (req) => ({ ...req, body: nextBody() }) }],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    statuses,
  };
}

async function measure(name, worker, nextBody) {
  // A short warm-up, then the measured run; CPU is read around the measured run only.
  await autocannon({
    url: `${worker.url}/postback`,
    method: "POST",
    connections: 2,
    amount: 50,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    requests: [{ setupRequest: (r) => ({ ...r, body: nextBody() }) }],
  });
  const cpu0 = workerdCpuMs();
  const r = await load(worker.url, nextBody);
  const cpuMs = workerdCpuMs() - cpu0;
  await worker.dispose();
  return { name, ...r, cpu_ms_per_request: r.requests ? cpuMs / r.requests : null };
}

/** CPU of the Worker's own per-postback JavaScript (bench/core-entry.ts) on V8, without any I/O. */
async function coreCpuMs(outdir, signedBodies) {
  const out = `${outdir}/core.mjs`;
  await build({
    entryPoints: ["bench/core-entry.ts"],
    bundle: true,
    format: "esm",
    platform: "node",
    minify: true,
    outfile: out,
    logLevel: "silent",
  });
  const { processPostback } = await import(out);
  const now = new Date();
  const n = Math.min(signedBodies.length, QUICK ? 2000 : 20000);
  for (let k = 0; k < 500; k++) await processPostback(signedBodies[k % n], SECRET, now); // warm-up: JIT, key cache
  const t0 = process.cpuUsage();
  for (let k = 0; k < n; k++) if (!(await processPostback(signedBodies[k], SECRET, now))) throw new Error("core refused a valid postback");
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000 / n;
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? null;

async function main() {
  const built = buildWorker();
  const bundleGzip = gzipSync(built.source, { level: 9 }).length;
  const floorOut = `${built.outdir}/floor.js`;
  await build({ entryPoints: ["bench/floor.ts"], bundle: true, format: "esm", minify: true, outfile: floorOut, logLevel: "silent" });

  const n = QUICK ? 4000 : 60000;
  const signed = await bodies(n, "B");
  let i = 0;
  const distinct = () => signed[i++ % signed.length];
  const dup = signed[0];
  const vars = { CRYPTOCLOUD_SECRET_KEY: SECRET, API_TOKEN: "bench-api-token-0123456789" };
  // The Worker alone, like the baselines: without the static-assets router that wrangler.toml puts in
  // front of it (the page, /openapi.json). `postback+assets` measures the route with that router, as
  // deployed; locally the router is one more workerd hop per request.
  const ratelimits = { POSTBACK_LIMITER: unlimited("1001"), POSTBACK_FAILURE_LIMITER: unlimited("1002") };
  const real = (extra = {}, withAssets = false) =>
    startLocalWorker({
      entry: built.entry,
      vars: { ...vars, ...extra },
      workerOverrides: withAssets ? { ratelimits } : { ratelimits, assets: undefined },
    });

  const coreMs = await coreCpuMs(built.outdir, signed);
  const rows = [];
  rows.push(await measure("empty", await startLocalWorker({ entry: "bench/empty.js", vars, bare: true }), distinct));
  const floor = await startLocalWorker({ entry: floorOut, vars, bare: true, d1: ["DB"] });
  const fdb = await floor.mf.getD1Database("DB");
  await fdb.exec("CREATE TABLE floor (invoice_id TEXT PRIMARY KEY, amount_crypto TEXT, currency TEXT)");
  i = 0;
  rows.push(await measure("floor", floor, distinct));
  i = 0;
  rows.push(await measure("postback", await real(), distinct));
  rows.push(await measure("duplicate", await real(), () => dup));
  rows.push(await measure("postback+assets", await real({}, true), distinct));

  // Forward latency: postback accepted → verified event at a local receiver.
  const accepted = new Map();
  const receiver = await startReceiver({ secret: FORWARD_SECRET });
  const fwd = await real({ FORWARD_URL: `${receiver.url}/hook`, FORWARD_SECRET, FORWARD_ALLOW_PRIVATE: "true" });
  const fwdBodies = await bodies(FORWARD_N, "F");
  for (let k = 0; k < fwdBodies.length; k += 4) {
    await Promise.all(
      fwdBodies.slice(k, k + 4).map(async (body, j) => {
        const res = await fetch(`${fwd.url}/postback`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        });
        await res.arrayBuffer();
        accepted.set(`evt_F${String(k + j).padStart(7, "0")}_paid`, performance.now() + performance.timeOrigin);
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
  }
  const deadline = Date.now() + 30_000;
  while (receiver.events.length < FORWARD_N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const lat = receiver.events.filter((e) => e.verified).map((e) => e.receivedAt - (accepted.get(e.webhookId) ?? e.receivedAt));
  await fwd.dispose();
  await receiver.close();

  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const empty = by.empty;
  const report = {
    mode: QUICK ? "quick" : "full",
    duration_s: DURATION_S,
    connections: CONNECTIONS,
    machine: { cores: (await import("node:os")).cpus().length, node: process.version },
    configurations: rows,
    ratios: {
      "postback/floor": by.postback.rps / by.floor.rps,
      "postback/empty": by.postback.rps / empty.rps,
      "duplicate/floor": by.duplicate.rps / by.floor.rps,
      "postback+assets/postback": by["postback+assets"].rps / by.postback.rps,
    },
    cpu_ms_per_postback_minus_empty: by.postback.cpu_ms_per_request - empty.cpu_ms_per_request,
    cpu_ms_per_floor_minus_empty: by.floor.cpu_ms_per_request - empty.cpu_ms_per_request,
    worker_js_cpu_ms_per_postback: coreMs,
    bundle_gzip_bytes: bundleGzip,
    forward_latency_ms: { n: lat.length, sent: FORWARD_N, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) },
  };

  const pad = (s, w) => String(s).padStart(w);
  console.log(`\n${report.mode} run: ${DURATION_S} s per configuration, ${CONNECTIONS} connections\n`);
  console.log(
    `${"configuration".padEnd(16)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("errors", 8)}${pad("cpu ms/req", 12)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(16)}${pad(r.rps.toFixed(0), 10)}${pad(r.p50, 9)}${pad(r.p99, 9)}${pad(r.errors, 8)}${pad(r.cpu_ms_per_request?.toFixed(3) ?? "-", 12)}`,
    );
  }
  console.log(`
postback/floor      ${report.ratios["postback/floor"].toFixed(2)}   (target ≥ 0.90)
postback/empty      ${report.ratios["postback/empty"].toFixed(2)}
duplicate/floor     ${report.ratios["duplicate/floor"].toFixed(2)}
assets router       ${report.ratios["postback+assets/postback"].toFixed(2)} of postback's throughput with the static-assets router in front (local only: one more hop)
cpu per postback    ${report.cpu_ms_per_postback_minus_empty.toFixed(3)} ms over empty, whole workerd incl. local D1/KV (floor: ${report.cpu_ms_per_floor_minus_empty.toFixed(3)} ms)
worker JS cpu       ${coreMs.toFixed(3)} ms per postback: parse, validate, verify, plan, serialize (target ≤ 1 ms)
bundle              ${(bundleGzip / 1024).toFixed(1)} KiB gzip (budget 50 KiB; npm test checks 60: scripts/bundle-size.mjs)
forward latency     p50 ${report.forward_latency_ms.p50?.toFixed(1)} ms, p99 ${report.forward_latency_ms.p99?.toFixed(1)} ms over ${lat.length}/${FORWARD_N} (target p50 ≤ 1000 ms)`);
  writeFileSync("bench/results.json", `${JSON.stringify(report, null, 2)}\n`);
  console.log("\nwritten to bench/results.json");
  const failed = rows.some((r) => r.requests === 0) || lat.length < FORWARD_N;
  process.exit(failed ? 1 : 0);
}

await main();
