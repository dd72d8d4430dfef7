#!/usr/bin/env node
// `npm run provision`, the fallback (README, "Deploy to Cloudflare"): `wrangler deploy` creates what
// wrangler.toml names by itself, unless the API token may not create resources. Then this creates (or
// finds) the D1 database, the KV namespace, the queue and its DLQ with separate wrangler commands,
// writes their ids into wrangler.toml, and says what is left to do. Idempotent: run
// it again and it reuses what exists. Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN) first;
// without it, or on any other failure, it prints one line that says what to do, and exits 1.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { findD1Id, findKvId, NAMES, queueNames, SECRETS, WranglerFailed, wranglerFailureLine, writeIds } from "./provision-lib.mjs";

/** Runs wrangler non-interactively (it never prompts or opens a browser here) and returns its stdout. */
const wrangler = (...args) => {
  console.log(`$ wrangler ${args.join(" ")}`);
  const run = spawnSync("npx", ["--no-install", "wrangler", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new WranglerFailed(args, `${run.stdout}\n${run.stderr}`);
  return run.stdout;
};

try {
  provision();
} catch (err) {
  console.error(err instanceof WranglerFailed ? wranglerFailureLine(err.args, err.output) : `provision: ${err.message}`);
  process.exit(1);
}

function provision() {
  let d1Id = findD1Id(wrangler("d1", "list", "--json"), NAMES.d1);
  if (!d1Id) {
    wrangler("d1", "create", NAMES.d1);
    d1Id = findD1Id(wrangler("d1", "list", "--json"), NAMES.d1);
  }
  let kvId = findKvId(wrangler("kv", "namespace", "list"), NAMES.kv);
  if (!kvId) {
    wrangler("kv", "namespace", "create", NAMES.kv);
    kvId = findKvId(wrangler("kv", "namespace", "list"), NAMES.kv);
  }
  if (!d1Id || !kvId) throw new Error("wrangler did not report the new resources; run again or create them by hand (README)");
  const queues = queueNames(wrangler("queues", "list"));
  for (const q of [NAMES.dlq, NAMES.queue]) if (!queues.includes(q)) wrangler("queues", "create", q);

  writeFileSync("wrangler.toml", writeIds(readFileSync("wrangler.toml", "utf8"), { d1Id, kvId }));
  console.log(`
wrangler.toml now uses D1 ${d1Id} and KV ${kvId}; the queues ${NAMES.queue} and ${NAMES.dlq} exist.

Still to do:
${SECRETS.map(([name, why]) => `  npx wrangler secret put ${name.padEnd(24)} # ${why}`).join("\n")}
  Edit FORWARD_URL in wrangler.toml [vars] if you forward events.
  npm run deploy                                   # applies the D1 migrations, then deploys

Then paste this URL into CryptoCloud (Projects → your project → Integration & API → URL for notifications):
  https://cryptocloud-postback.<your-workers-subdomain>.workers.dev/postback
(npm run deploy prints the exact address.)`);
}
