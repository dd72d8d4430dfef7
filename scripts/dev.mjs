#!/usr/bin/env node
// `npm run dev [-- <wrangler dev args>]`: applies the D1 migrations to the local database, then
// runs `wrangler dev` with the arguments passed through (e.g. --port 8787 --ip 127.0.0.1).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { firstDevVars } from "./dev-vars.mjs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`wrangler needs Node >= 22.12; this is ${process.versions.node}. See .nvmrc.`);
  process.exit(1);
}
if (!existsSync(".dev.vars")) {
  writeFileSync(".dev.vars", firstDevVars(readFileSync(".dev.vars.example", "utf8")));
  console.log("Created .dev.vars from .dev.vars.example with local values: set your SECRET KEY there to test with CryptoCloud.");
}
const wrangler = (args, stdin = "inherit") =>
  spawnSync("npx", ["--no-install", "wrangler", ...args], { stdio: [stdin, "inherit", "inherit"] });
// Without a terminal on stdin wrangler takes its non-interactive path: it applies the migrations
// without asking "Ok to proceed?" (a local database, so there is nothing to confirm).
// The options that choose the config, environment or local state go to both commands.
const args = process.argv.slice(2);
const shared = args.flatMap((arg, i) => {
  if (/^(--config|-c|--env|-e|--persist-to)=/.test(arg)) return [arg];
  if (/^(--config|-c|--env|-e|--persist-to)$/.test(arg) && args[i + 1] !== undefined) return [arg, args[i + 1]];
  return [];
});
const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local", ...shared], "ignore");
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
const dev = wrangler(["dev", ...args]);
process.exit(dev.status ?? 1);
