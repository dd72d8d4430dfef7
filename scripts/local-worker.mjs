// Runs the built Worker in workerd through Miniflare's API, with wrangler.toml's real bindings
// (D1, KV, the queue and its consumer, the DLQ) on local storage, and the migrations applied.
// Used by the e2e test and the benchmark; unlike `wrangler dev` there is no dev proxy in front.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from "wrangler";

/**
 * `bare` runs a script with none of wrangler.toml's bindings (the benchmark's baselines), `d1` adds
 * D1 databases to it; `workerOverrides` replaces worker options (e.g. the rate limits). `migrate: false`
 * leaves the database as a first deploy finds it, without its migrations (apply them with applyMigrations).
 * `logs`, when given, collects the runtime's structured log lines (the Worker's JSON logs and
 * workerd's own messages) instead of printing them.
 * @param {{ entry: string, vars?: Record<string, string>, extraWorkers?: object[], quiet?: boolean,
 *   bare?: boolean, d1?: string[], workerOverrides?: Record<string, unknown>, logs?: string[], migrate?: boolean }} options
 * @returns {Promise<{ url: string, mf: Miniflare, dispose: () => Promise<void> }>}
 */
export async function startLocalWorker({
  entry,
  vars = {},
  extraWorkers = [],
  quiet = true,
  bare = false,
  d1 = [],
  workerOverrides = {},
  logs,
  migrate = true,
}) {
  const { workerOptions } = bare
    ? { workerOptions: { compatibilityDate: "2026-10-30", d1Databases: d1 } }
    : unstable_getMiniflareWorkerOptions("wrangler.toml");
  const { main: _main, modulesRules: _rules, ...rest } = /** @type {Record<string, unknown>} */ (workerOptions);
  // Miniflare 5 takes a new options shape; wrangler still describes workers in the v4 shape.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      // The Worker's JSON log lines; drained (not shown) unless asked for.
      ...(quiet || logs
        ? {
            handleStructuredLogs: ({ message }) => logs?.push(message),
            handleRuntimeStdio: (out, err) => {
              out.resume();
              err.resume();
            },
          }
        : {}),
      workers: [
        {
          ...rest,
          name: "cryptocloud-postback",
          modules: true,
          scriptPath: entry,
          modulesRoot: dirname(entry),
          // wrangler.toml's [vars] and what the caller passes: never a developer's .dev.vars, which
          // wrangler's helper would read in.
          bindings: { ...(bare ? {} : unstable_readConfig({ config: "wrangler.toml" }).vars), ...vars },
          ...workerOverrides,
        },
        ...extraWorkers,
      ],
    }),
  );
  const url = await mf.ready;
  if (!bare && migrate) await applyMigrations(await mf.getD1Database("DB"));
  return { url: url.origin, mf, dispose: () => mf.dispose() };
}

/** @param {D1Database} db */
export async function applyMigrations(db, dir = "migrations") {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}
