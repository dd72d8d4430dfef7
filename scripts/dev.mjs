#!/usr/bin/env node
// `npm run dev [-- <wrangler dev args>]`: applies the D1 migrations to the local database, then
// runs `wrangler dev` with the arguments passed through (e.g. --port 8787 --ip 127.0.0.1).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`wrangler needs Node >= 22.12; this is ${process.versions.node}. See .nvmrc.`);
  process.exit(1);
}
if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example: edit it to set your SECRET KEY.");
}
const wrangler = (args) => spawnSync("npx", ["--no-install", "wrangler", ...args], { stdio: "inherit" });
const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local"]);
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
const dev = wrangler(["dev", ...process.argv.slice(2)]);
process.exit(dev.status ?? 1);
