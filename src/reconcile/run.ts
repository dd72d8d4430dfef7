import type { Config } from "../config";
import type { Project } from "../domain/projects";
import { type ListCursor, MAX_REQUESTS_PER_RUN } from "../domain/reconcile";
import { dueCursor, servingOrder } from "../domain/reconcile-due";
import { log } from "../log";
import { finishJobStatement, type JobLease, leaseJob } from "../store/jobs";
import { reconcileStates, runEndStatement } from "../store/reconcile-state";
import { crawlPage, type ProjectRun } from "./crawl-page";

export interface ReconcileSummary {
  checked: number;
  recovered: string[];
  already_recorded: number;
  ignored: number;
  more: boolean; // stopped at the request bound: the rest continues on the next cron run
}

/** Why a project's part of the run stopped early; `detail` is for /stats and the logs. */
export type ReconcileFailure = { code: "api_unauthorized" | "api_error" | "multiple_projects"; detail: string };

export type ProjectResult = ReconcileSummary & { failure: ReconcileFailure | null };
export type ReconcileRun = Record<string, ProjectResult>;

/** A lease outlives one page's tries (3 × the API timeout) and is renewed with every page. */
const LEASE_MS = 90_000;

export interface ReconcileOptions {
  force: boolean; // POST /reconcile: every project with an API KEY, now
  since: Date | null;
  audit?: D1PreparedStatement; // POST /reconcile's entry: written with the run's first recorded page
}

/**
 * One reconciliation run over every project with an API KEY that has work now: each lists its
 * window page by page with its own key and cursor, and the run's MAX_REQUESTS_PER_RUN API requests
 * are shared page by page in turn (least recently served first), so one large project cannot
 * starve the others. Returns null when nothing is due or another run holds the lease.
 */
export async function reconcile(env: Env, config: Config, now: Date, options: ReconcileOptions): Promise<ReconcileRun | null> {
  const projects = config.projects.filter((p): p is Project & { apiKey: string } => p.apiKey !== null);
  if (projects.length === 0 || (!options.force && config.reconcile.intervalMinutes === 0)) return null;
  if (!options.force && (await duePlan(env, config, projects, now, options)).length === 0) return null;
  const lease = await leaseJob(env.DB, "reconcile", now, { dueBefore: now, leaseMs: LEASE_MS, force: true });
  if (!lease) return null;
  // Read again under the lease: a run that finished meanwhile has moved the cursors.
  const due = await duePlan(env, config, projects, now, options);
  return runProjects(env, config, lease, due, now, options.audit ?? null);
}

async function duePlan(env: Env, config: Config, projects: (Project & { apiKey: string })[], now: Date, options: ReconcileOptions) {
  const states = await reconcileStates(env.DB);
  const due = { ...config.reconcile, force: options.force, since: options.since };
  return servingOrder(projects, states).flatMap((project) => {
    const start = dueCursor(states.get(project.slug), now, due);
    return start ? [{ project, cursor: start.cursor as ListCursor | null, fresh: start.fresh }] : [];
  });
}

async function runProjects(
  env: Env,
  config: Config,
  lease: JobLease,
  due: { project: Project & { apiKey: string }; cursor: ListCursor | null; fresh: boolean }[],
  now: Date,
  audit: D1PreparedStatement | null,
): Promise<ReconcileRun> {
  const runs: ProjectRun[] = due.map((d) => ({
    ...d,
    seen: new Set<string>(),
    summary: { checked: 0, recovered: [], already_recorded: 0, ignored: 0, more: false, failure: null },
  }));
  const shared = { budget: MAX_REQUESTS_PER_RUN, audit, projectedToKv: 0, startedMs: Date.now() };
  let active = runs;
  while (shared.budget > 0 && active.length > 0) {
    for (const run of active) if (shared.budget > 0) await crawlPage(env, config, lease, run, shared, now);
    active = active.filter((r) => r.cursor !== null && r.summary.failure === null);
  }
  for (const r of active) r.summary.more = true;
  if (active.length) log("warn", "reconciliation.bounded", { requests: MAX_REQUESTS_PER_RUN, projects: active.map((r) => r.project.slug) });

  const result: ReconcileRun = Object.fromEntries(runs.map((r) => [r.project.slug, r.summary]));
  const failed = runs.find((r) => r.summary.failure !== null);
  const recovered = runs.reduce((n, r) => n + r.summary.recovered.length, 0);
  const summaryJson = (s: ProjectResult) =>
    JSON.stringify({ ...s, recovered: s.recovered.slice(0, 100), recovered_count: s.recovered.length });
  await env.DB.batch([
    ...runs
      .filter((r) => r.summary.failure === null)
      .map((r) => runEndStatement(env.DB, lease.token, r.project.slug, summaryJson(r.summary))),
    finishJobStatement(
      env.DB,
      "reconcile",
      lease.token,
      {
        ok: failed === undefined,
        error: failed ? `project "${failed.project.slug}": ${failed.summary.failure?.detail}` : null,
        cursorJson: null, // each project keeps its own cursor (reconcile_projects)
        added: recovered,
        resultJson: JSON.stringify(Object.fromEntries(runs.map((r) => [r.project.slug, JSON.parse(summaryJson(r.summary))]))),
      },
      now,
    ),
  ]);
  for (const r of runs) log("info", "reconciliation.run", { project: r.project.slug, ...r.summary, recovered: r.summary.recovered.length });
  return result;
}
