#!/usr/bin/env node
// `npm run deploy` (also the Deploy to Cloudflare button's deploy command): the D1 migrations and the
// Worker, in the order that keeps the schema ahead of the code.
//   Later deploys: migrations first, then the Worker. Migrations only add (new tables, new columns
//     with defaults), so the running Worker keeps working on the newer schema, and the new Worker
//     never starts on an older one.
//   First deploy: there is no database to migrate yet. `wrangler deploy` creates it (with the KV
//     namespace and the queues), then the migrations run. In the seconds between, /postback answers
//     503 `schema_pending` (CryptoCloud's retry brings it back) and /health says so: never a 500.
// Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN). Any other failure: one line, exit 1.
import { spawnSync } from "node:child_process";
import { isMissingDatabase, WranglerFailed, wranglerFailureLine } from "./provision-lib.mjs";

const MIGRATE = ["d1", "migrations", "apply", "DB", "--remote"];
const DEPLOY = ["deploy"];

/** Runs wrangler without a terminal on stdin (so the remote migrations are not asked about) and shows its output. */
const wrangler = (args) => {
  console.log(`$ wrangler ${args.join(" ")}`);
  const run = spawnSync("npx", ["--no-install", "wrangler", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.error) throw run.error;
  const output = `${run.stdout}\n${run.stderr}`;
  process.stdout.write(run.stdout);
  if (run.status !== 0) throw new WranglerFailed(args, output);
  return output;
};

try {
  try {
    wrangler(MIGRATE);
    wrangler(DEPLOY);
  } catch (err) {
    if (!(err instanceof WranglerFailed && err.args === MIGRATE && isMissingDatabase(err.output))) throw err;
    console.log("No D1 database yet (a first deploy): deploying creates it, then the migrations run.");
    wrangler(DEPLOY);
    wrangler(MIGRATE);
  }
  console.log(`
Deployed. Paste https://<the address above>/postback into CryptoCloud (Projects → your project →
Integration & API → URL for notifications), then check https://<the address above>/health.`);
} catch (err) {
  console.error(err instanceof WranglerFailed ? wranglerFailureLine(err.args, err.output, "npm run deploy") : `deploy: ${err.message}`);
  process.exit(1);
}
