#!/usr/bin/env node
// Builds the static assets into public/: the operator page (page/) at /dashboard and the OpenAPI
// document (src/openapi.ts) at /openapi.json, both served by Workers Static Assets, outside the
// Worker's bundle. Run by wrangler.toml's [build] command before every `wrangler dev` and `wrangler
// deploy` (and so before scripts/build.mjs's dry run), so public/ is never committed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildSync } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// "25 KB gzip for HTML, JS and CSS together" (issue 20, from issue 10's 20), read strictly: 25 000 bytes.
export const PAGE_BUDGET_BYTES = 25_000;

// No inline script or style anywhere, so the policy needs no 'unsafe-inline' and no hashes.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const common = [
  "X-Content-Type-Options: nosniff",
  "Referrer-Policy: no-referrer",
  "X-Frame-Options: DENY",
  `Content-Security-Policy: ${CSP}`,
];
// The html is never cached (a new deploy must show at once); the JS and CSS keep fixed names and
// are revalidated by ETag on every load.
const HEADERS = [
  "/dashboard",
  ...common.map((h) => `  ${h}`),
  "  Cache-Control: no-store",
  "/dashboard/*",
  ...common.map((h) => `  ${h}`),
  "  Cache-Control: no-cache",
  "/openapi.json",
  "  X-Content-Type-Options: nosniff",
  "  Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
  "  Cache-Control: no-cache",
  "",
].join("\n");

/** The files the page consists of, relative to public/. */
export const PAGE_FILES = ["dashboard.html", "dashboard/app.js", "dashboard/app.css"];

/**
 * Builds public/ and returns the page's total gzip size. Each file is written to a temporary name
 * and renamed, never truncated in place: the e2e and browser tests may build while the other's
 * Worker is serving public/.
 */
export function buildPage(outdir = join(root, "public")) {
  mkdirSync(join(outdir, "dashboard"), { recursive: true });
  const put = (file, contents) => {
    const tmp = `${join(outdir, file)}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, join(outdir, file));
  };
  const bundle = (entry) =>
    buildSync({
      entryPoints: [join(root, entry)],
      bundle: true,
      minify: true,
      write: false,
      legalComments: "none",
      target: "es2022",
      logLevel: "error",
    }).outputFiles[0].contents;
  put("dashboard/app.js", bundle("page/main.ts"));
  put("dashboard/app.css", bundle("page/style.css"));
  put("dashboard.html", readFileSync(join(root, "page/index.html")));
  put("_headers", HEADERS);
  put("openapi.json", `${JSON.stringify(openapiDocument(), null, 1)}\n`);
  return pageSize(outdir);
}

/** src/openapi.ts's document, evaluated in Node (bundled to CommonJS and run in a function scope). */
export function openapiDocument() {
  const code = buildSync({
    entryPoints: [join(root, "src/openapi.ts")],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "neutral",
    logLevel: "error",
  }).outputFiles[0].text;
  const module = { exports: {} };
  new Function("module", "exports", code)(module, module.exports);
  return module.exports.openapi;
}

/** The gzip size of everything the browser loads for /dashboard, compressed one file at a time. */
export function pageSize(outdir = join(root, "public")) {
  return PAGE_FILES.reduce((sum, f) => sum + gzipSync(readFileSync(join(outdir, f)), { level: 9 }).length, 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const gz = buildPage();
  const line = `page: ${gz} bytes gzip (budget ${PAGE_BUDGET_BYTES}) in public/`;
  if (gz > PAGE_BUDGET_BYTES) {
    console.error(`${line}: OVER BUDGET`);
    process.exit(1);
  }
  console.log(line);
}
