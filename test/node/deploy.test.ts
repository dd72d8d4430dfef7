// `npm run deploy`'s order, against a stand-in for wrangler (no Cloudflare account exists here) that
// behaves as wrangler 4.155 does: `d1 migrations apply DB --remote` fails with "Couldn't find a D1 DB
// named …" until a `wrangler deploy` has created the database.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isMissingDatabase } from "../../scripts/provision-lib.mjs";

const FAKE_WRANGLER = `#!/usr/bin/env node
const { appendFileSync, existsSync, writeFileSync } = require("node:fs");
const args = process.argv.slice(2).join(" ");
appendFileSync("calls.log", args + "\\n");
if (process.env.FAKE_FAIL && args.startsWith(process.env.FAKE_FAIL)) {
  console.error("✘ [ERROR] A request to the Cloudflare API failed.\\n\\n  Authentication error [code: 10000]");
  process.exit(1);
}
if (args.startsWith("d1 migrations apply") && !existsSync("db-exists")) {
  console.error("✘ [ERROR] Couldn't find a D1 DB named 'cryptocloud-postback' (bound as 'DB') in the API. Run 'wrangler d1 create cryptocloud-postback' to create it.");
  process.exit(1);
}
if (args === "deploy") writeFileSync("db-exists", "");
console.log("ok: " + args);
`;

function project(options: { deployedBefore: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), "deploy-"));
  mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
  writeFileSync(join(dir, "package.json"), '{"name":"scratch","private":true}');
  writeFileSync(join(dir, "node_modules/.bin/wrangler"), FAKE_WRANGLER);
  chmodSync(join(dir, "node_modules/.bin/wrangler"), 0o755);
  if (options.deployedBefore) writeFileSync(join(dir, "db-exists"), "");
  return dir;
}

function deploy(dir: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string; calls: string[] }>((done) => {
    execFile(
      process.execPath,
      [resolve("scripts/deploy.mjs")],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const calls = existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n") : [];
        done({ code: err ? Number(err.code) : 0, stdout, stderr, calls });
      },
    );
  });
}

const MIGRATE = "d1 migrations apply DB --remote";

describe("npm run deploy", () => {
  it("on a first deploy creates the database by deploying, then applies the migrations", async () => {
    const run = await deploy(project({ deployedBefore: false }));
    expect(run.code).toBe(0);
    expect(run.calls).toEqual([MIGRATE, "deploy", MIGRATE]);
    expect(run.stdout).toContain("a first deploy");
  });

  it("on every later deploy applies the migrations before the Worker that needs them", async () => {
    const run = await deploy(project({ deployedBefore: true }));
    expect(run.code).toBe(0);
    expect(run.calls).toEqual([MIGRATE, "deploy"]);
  });

  it("stops before deploying when the migrations fail for any other reason, with one line to act on", async () => {
    const run = await deploy(project({ deployedBefore: true }), { FAKE_FAIL: "d1 migrations" });
    expect(run.code).toBe(1);
    expect(run.calls).toEqual([MIGRATE]);
    expect(run.stderr.trim()).toMatch(/^Cloudflare refused the login .*then run npm run deploy again\.$/);
  });

  it("tells a missing database from other failures by wrangler's words", () => {
    expect(
      isMissingDatabase("\x1b[31m✘ [ERROR]\x1b[0m Couldn't find a D1 DB named 'cryptocloud-postback' (bound as 'DB') in the API."),
    ).toBe(true);
    expect(isMissingDatabase("✘ [ERROR] Couldn't find an auto-provisioned D1 DB named 'cryptocloud-postback-db' for binding 'DB'.")).toBe(
      true,
    );
    expect(isMissingDatabase("Authentication error [code: 10000]")).toBe(false);
  });
});

describe("wrangler.toml", () => {
  it("declares no account ids, and `wrangler deploy --dry-run` builds from a clean clone with it", async () => {
    const toml = readFileSync("wrangler.toml", "utf8");
    expect(toml).not.toMatch(/^\s*(database_id|id|preview_id|preview_database_id)\s*=/m);
    // The files a clone has (tracked, or new and not ignored): no public/, no .wrangler state, no .dev.vars.
    const dir = mkdtempSync(join(tmpdir(), "clone-"));
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
    for (const f of files.filter((f) => existsSync(f))) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      copyFileSync(f, join(dir, f));
    }
    symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
    const out = execFileSync("npx", ["--no-install", "wrangler", "deploy", "--dry-run", "--outdir", "dist"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toContain("--dry-run: exiting now.");
    expect(out).toMatch(/env\.DB \(cryptocloud-postback\)\s+D1 Database/);
    expect(out).toMatch(/env\.INVOICES\s+KV Namespace/);
    expect(existsSync(join(dir, "dist/index.js"))).toBe(true);
    expect(existsSync(join(dir, "public/openapi.json"))).toBe(true); // the [build] step ran
  });
});
