import { RECONCILE_FAILURES_ALERT } from "../domain/alert";
import type { ProjectReconcileState, ReconcileFailureCode } from "../domain/reconcile-due";
import { type Condition, signalStatement } from "./alerts-signal";
import { apiUnauthorized } from "./confirmations";
import { clearHealthProblem, setHealthProblem } from "./health";

// Every write of a project's state is fenced on the run's lease: a run whose lease lapsed (and that
// another run has replaced) changes nothing.
const HELD = "EXISTS (SELECT 1 FROM jobs WHERE name = 'reconcile' AND lease_token = ?2)";
// The page's invoices that its own batch wrote (updated_at is the batch's instant, ?4).
const WRITTEN = "(SELECT count(*) FROM invoices WHERE invoice_id IN (SELECT value FROM json_each(?5)) AND updated_at = ?4)";

export async function reconcileStates(db: D1Database): Promise<Map<string, ProjectReconcileState>> {
  const { results } = await db.prepare("SELECT * FROM reconcile_projects").all<ProjectReconcileState>();
  return new Map(results.map((r) => [r.project, r]));
}

/** The health problem of a key that sees several CryptoCloud projects: names the variable to set, never the ids. */
export function multipleProjects(project: string): { code: string; message: string } {
  const fix = project === "default" ? "set CRYPTOCLOUD_PROJECT_ID" : `set project_id of project "${project}" in CRYPTOCLOUD_PROJECTS`;
  const suffix = project === "default" ? "" : `:${project}`;
  return {
    code: `reconcile_multiple_projects${suffix}`,
    message: `Reconciliation of project "${project}": the API key sees several CryptoCloud projects: ${fix} to this shop's`,
  };
}

export interface PageProgress {
  cursorJson: string | null; // null: the pass is complete
  freshPass: boolean; // this page began a new pass
  planned: string[]; // the page's paid invoice ids: those its batch wrote count as recovered
}

/** After a page was recorded: where the pass stands, in the page's own batch. Clears the project's API problems. */
export function pageStatements(db: D1Database, token: string, project: string, p: PageProgress, now: Date): D1PreparedStatement[] {
  const at = now.toISOString();
  return [
    db
      .prepare(
        `INSERT INTO reconcile_projects (project, cursor_json, pass_started_at, last_pass_at, last_run_at, recovered_total)
         SELECT ?1, ?3, ?4, iif(?3 IS NULL, ?4, NULL), ?4, ${WRITTEN} WHERE ${HELD}
         ON CONFLICT (project) DO UPDATE SET cursor_json = ?3, last_run_at = ?4, last_error = NULL, last_error_code = NULL,
           pass_started_at = iif(?6 = 1, ?4, pass_started_at), last_pass_at = iif(?3 IS NULL, ?4, last_pass_at),
           recovered_total = recovered_total + ${WRITTEN}`,
      )
      .bind(project, token, p.cursorJson, at, JSON.stringify(p.planned), p.freshPass ? 1 : 0),
    clearHealthProblem(db, apiUnauthorized(project).code),
    clearHealthProblem(db, multipleProjects(project).code),
  ];
}

/** The project's part of a run ended without a failure (done, or stopped at the shared budget). */
export const runEndStatement = (db: D1Database, token: string, project: string, resultJson: string): D1PreparedStatement =>
  db
    .prepare(`UPDATE reconcile_projects SET consecutive_failures = 0, last_result_json = ?3 WHERE project = ?1 AND ${HELD}`)
    .bind(project, token, resultJson);

export interface ProjectFailure {
  code: ReconcileFailureCode;
  detail: string; // for /stats and the logs; /health gets a message that names the problem only
}

/**
 * The project's part of the run failed on a page: the cursor stays at that page (the next run
 * resumes there), the error is kept, and after RECONCILE_FAILURES_ALERT failed runs in a row an
 * alert names the project. A refused key and a key that sees several projects are /health problems.
 */
export function failStatements(
  db: D1Database,
  token: string,
  project: string,
  where: { cursorJson: string; freshPass: boolean },
  failure: ProjectFailure,
  resultJson: string,
  now: Date,
): D1PreparedStatement[] {
  const at = now.toISOString();
  const streak: Condition = {
    sql: "(SELECT consecutive_failures FROM reconcile_projects WHERE project = ?) >= ?",
    params: [project, RECONCILE_FAILURES_ALERT],
  };
  const unauthorized = apiUnauthorized(project);
  const several = multipleProjects(project);
  return [
    db
      .prepare(
        `INSERT INTO reconcile_projects (project, cursor_json, pass_started_at, last_run_at, last_error, last_error_code, consecutive_failures, last_result_json)
         SELECT ?1, ?3, ?4, ?4, ?5, ?6, 1, ?7 WHERE ${HELD}
         ON CONFLICT (project) DO UPDATE SET cursor_json = ?3, last_run_at = ?4, last_error = ?5, last_error_code = ?6,
           consecutive_failures = consecutive_failures + 1, last_result_json = ?7,
           pass_started_at = iif(?8 = 1, ?4, coalesce(pass_started_at, ?4))`,
      )
      .bind(project, token, where.cursorJson, at, failure.detail, failure.code, resultJson, where.freshPass ? 1 : 0),
    signalStatement(
      db,
      {
        kind: "reconciliation.failed",
        subject: `reconcile:${project}`,
        data: { project, consecutive_failures: RECONCILE_FAILURES_ALERT, last_error: failure.detail },
      },
      now,
      streak,
    ),
    ...(failure.code === "api_unauthorized"
      ? [
          setHealthProblem(db, unauthorized.code, unauthorized.message, now),
          signalStatement(
            db,
            { kind: "confirmation.unauthorized", subject: `api_key:${project}`, data: { during: "reconciliation", project } },
            now,
          ),
        ]
      : []),
    ...(failure.code === "multiple_projects" ? [setHealthProblem(db, several.code, several.message, now)] : []),
  ];
}
