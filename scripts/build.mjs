// Builds the deployable bundle offline, exactly as `wrangler deploy` would upload it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Returns the path of the built entry module (index.js) in a fresh directory. */
export function buildWorker(outdir = mkdtempSync(join(tmpdir(), "ccp-build-"))) {
  execFileSync("npx", ["--no-install", "wrangler", "deploy", "--dry-run", "--outdir", outdir], { stdio: ["ignore", "ignore", "inherit"] });
  return { outdir, entry: join(outdir, "index.js"), source: readFileSync(join(outdir, "index.js")) };
}
