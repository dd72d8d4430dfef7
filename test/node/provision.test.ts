// `npm run provision`, the fallback for accounts where `wrangler deploy` cannot create the resources
// itself (README). The provisioning script's parsing, against wrangler 4.155's output formats. There is no Cloudflare
// account here: the JSON fixtures follow the API objects wrangler prints, and the queue table is made
// with cli-table3, the library wrangler's logger.table() uses, exactly as wrangler calls it.

import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Table from "cli-table3";
import { describe, expect, it } from "vitest";
import { findD1Id, findKvId, NAMES, queueNames, wranglerFailureLine, writeIds } from "../../scripts/provision-lib.mjs";

const d1List = `
 ⛅️ wrangler 4.155.0
───────────────────
[
  { "uuid": "0f1e2d3c-aaaa-bbbb-cccc-000000000001", "name": "other-db", "created_at": "2026-01-02T00:00:00.000Z", "version": "production", "num_tables": 3, "file_size": 12288 },
  { "uuid": "9a8b7c6d-aaaa-bbbb-cccc-000000000002", "name": "cryptocloud-postback", "created_at": "2026-11-23T00:00:00.000Z", "version": "production", "num_tables": 6, "file_size": 65536 }
]`;

const kvList = `[
  { "id": "11112222333344445555666677778888", "title": "cryptocloud-postback-invoices", "supports_url_encoding": true },
  { "id": "99990000aaaabbbbccccddddeeeeffff", "title": "sessions", "supports_url_encoding": true }
]`;

function queueTable(names: string[]): string {
  const head = ["id", "name", "created_on", "modified_on", "producers", "consumers"];
  const t = new Table({ style: { head: [], border: [] }, wordWrap: false, head });
  t.push(...names.map((n, i) => [`q${i}`, n, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z", "1", "1"]));
  return t.toString();
}

describe("npm run provision", () => {
  it("finds the D1 database by name in `wrangler d1 list --json`, past the banner", () => {
    expect(findD1Id(d1List, NAMES.d1)).toBe("9a8b7c6d-aaaa-bbbb-cccc-000000000002");
    expect(findD1Id("[]", NAMES.d1)).toBeNull();
  });

  it("finds the KV namespace by title", () => {
    expect(findKvId(kvList, NAMES.kv)).toBe("11112222333344445555666677778888");
    expect(findKvId(kvList, "missing")).toBeNull();
  });

  it("reads queue names from wrangler's table", () => {
    expect(queueNames(queueTable([NAMES.queue, "unrelated-queue"]))).toEqual([NAMES.queue, "unrelated-queue"]);
    expect(queueNames(queueTable([]))).toEqual([]);
  });

  it("writes the ids into wrangler.toml and changes nothing else", () => {
    const before = readFileSync("wrangler.toml", "utf8");
    const after: string = writeIds(before, { d1Id: "d1-real-id", kvId: "kv-real-id" });
    // wrangler.toml carries no ids (wrangler deploy provisions by name): each goes under its binding.
    expect(before).not.toMatch(/^(database_)?id\s*=/m);
    expect(after).toMatch(/binding = "DB"\ndatabase_id = "d1-real-id"\n/);
    expect(after).toMatch(/binding = "INVOICES"\nid = "kv-real-id"\n/);
    const added = after.split("\n").filter((l) => !before.split("\n").includes(l));
    expect(added).toEqual(['database_id = "d1-real-id"', 'id = "kv-real-id"']);
    expect(after.split("\n").filter((l) => !added.includes(l))).toEqual(before.split("\n"));
  });

  it("is idempotent: writing the same ids twice gives the same file", () => {
    const once: string = writeIds(readFileSync("wrangler.toml", "utf8"), { d1Id: "a", kvId: "b" });
    expect(writeIds(once, { d1Id: "a", kvId: "b" })).toBe(once);
  });
});

// What wrangler 4.155 prints when it cannot go on (ANSI colours as it writes them to a pipe).
const failures = {
  notLoggedIn:
    "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mIn a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable for wrangler to work. Please go to https://developers.cloudflare.com/fundamentals/api/get-started/create-token/ for instructions on how to create an api token, and assign its value to CLOUDFLARE_API_TOKEN.\x1b[0m\n\n  To continue without logging in, rerun this command with `--temporary`.",
  refused: "✘ [ERROR] A request to the Cloudflare API (/accounts/abc/d1/database) failed.\n\n  Authentication error [code: 10000]\n",
  severalAccounts:
    "✘ [ERROR] More than one account available but unable to select one in non-interactive mode.\n  Please set the appropriate `account_id` in your wrangler.toml file or assign it to the `CLOUDFLARE_ACCOUNT_ID` environment variable.",
  offline:
    "✘ [ERROR] Unable to resolve Cloudflare's API hostname (api.cloudflare.com or dash.cloudflare.com).\n\n  This is typically caused by:",
  other: "\n ⛅️ wrangler 4.155.0\n✘ [ERROR] A database with that name already exists [code: 7502]\n",
};

describe("npm run provision when wrangler fails", () => {
  const line = (output: string) => wranglerFailureLine(["d1", "list", "--json"], output);

  it("says to log in when there is no login, or Cloudflare refuses it", () => {
    expect(line(failures.notLoggedIn)).toBe(
      "Not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then run npm run provision again.",
    );
    expect(line(failures.refused)).toMatch(/^Cloudflare refused the login .*: run `npx wrangler login` \(or set CLOUDFLARE_API_TOKEN\)/);
  });

  it("names the account variable, the network, or wrangler's own error otherwise: one line each", () => {
    expect(line(failures.severalAccounts)).toContain("set CLOUDFLARE_ACCOUNT_ID");
    expect(line(failures.offline)).toContain("could not reach Cloudflare's API");
    expect(line(failures.other)).toBe("wrangler d1 list --json failed: A database with that name already exists [code: 7502]");
    for (const output of Object.values(failures)) expect(line(output)).not.toContain("\n");
  });

  it("runs the real wrangler without credentials: one line to log in, exit 1, wrangler.toml untouched", async () => {
    // A scratch project (no .env) and a scratch home (no stored login), so that no real account is
    // ever reached, even on a machine that is logged in.
    const dir = mkdtempSync(join(tmpdir(), "provision-"));
    const home = join(dir, "home");
    mkdirSync(home);
    copyFileSync("wrangler.toml", join(dir, "wrangler.toml"));
    const before = readFileSync(join(dir, "wrangler.toml"), "utf8");
    symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), WRANGLER_SEND_METRICS: "false" };
    for (const name of ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_ACCOUNT_ID", "CI"]) delete env[name];

    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [resolve("scripts/provision.mjs")], { cwd: dir, env, timeout: 90_000 }, (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
      );
    });
    expect(out.code).toBe(1);
    expect(out.stdout.trim()).toBe("$ wrangler d1 list --json");
    expect(out.stderr.trim()).toBe(
      "Not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then run npm run provision again.",
    );
    expect(readFileSync(join(dir, "wrangler.toml"), "utf8")).toBe(before);
  });
});
