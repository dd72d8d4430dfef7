#!/usr/bin/env node
// The layer rule, run by `npm run lint`: imports in src/ run one way.
//   routes → http → services → store → domain;   services are peers that never import each other
//   (they meet in the dispatchers, queue.ts and scheduled.ts); domain imports nothing of ours.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SERVICES = ["ingest", "delivery", "confirm", "reconcile", "alerts", "retention", "sweeper"];
const BASE = ["domain", "log"];

/** What each layer (a folder of src/, or a file at its top) may import, besides itself. */
export const ALLOWED = {
  domain: [],
  log: [],
  // The API document (a static asset, never in the bundle); its events in a module of their own.
  "openapi-schemas": [],
  "openapi-alerts": ["openapi-schemas"],
  "openapi-webhooks": ["openapi-schemas", "openapi-alerts"],
  openapi: ["openapi-webhooks", "domain"],
  config: BASE,
  auth: ["domain"],
  net: ["domain"],
  store: ["domain"],
  http: [...BASE, "config", "auth", "net"],
  ...Object.fromEntries(SERVICES.map((s) => [s, [...BASE, "config", "auth", "net", "store"]])),
  routes: [...BASE, "config", "auth", "http", "store", ...SERVICES],
  app: [...BASE, "config", "http", "routes"],
  queue: [...BASE, "config", "store", ...SERVICES],
  scheduled: [...BASE, "config", "store", ...SERVICES],
  index: ["app", "queue", "scheduled"],
};

/** The layer of a path relative to src/: its first folder, or its file name at the top. */
const layerOf = (path) => (path.includes("/") ? path.split("/")[0] : path.replace(/\.ts$/, ""));

/**
 * @param {Map<string, string>} files source text by path relative to src/ ("store/ledger.ts")
 * @returns {string[]} one line per import that runs against the layers
 */
export function checkImports(files) {
  const problems = [];
  for (const [path, text] of files) {
    const from = layerOf(path);
    const allowed = ALLOWED[from];
    if (!allowed) {
      problems.push(`${path}: "${from}" is not a known layer (add it to scripts/check-imports.mjs)`);
      continue;
    }
    for (const [, spec] of text.matchAll(/^\s*(?:import|export)[^"']*?from\s+["'](\.{1,2}\/[^"']+)["']/gm)) {
      const target = normalize(join(dirname(path), spec)).replaceAll("\\", "/");
      if (target.startsWith("..")) continue;
      const to = layerOf(target.endsWith(".ts") ? target : `${target}.ts`);
      if (to !== from && !allowed.includes(to)) problems.push(`${path}: imports ${spec} (${from} → ${to} runs against the layers)`);
    }
  }
  return problems;
}

function sources(dir, root = dir, out = new Map()) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, root, out);
    else if (name.endsWith(".ts")) out.set(relative(root, full).replaceAll("\\", "/"), readFileSync(full, "utf8"));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
  const problems = checkImports(sources(src));
  if (problems.length) {
    console.error(`imports: ${problems.length} against the layers\n${problems.join("\n")}`);
    process.exit(1);
  }
  console.log("imports: every import in src/ runs one way");
}
