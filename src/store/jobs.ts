/** A scheduled job's row: see migrations/0004_jobs_alerts.sql. */
export interface JobRow {
  name: string;
  lease_until: string | null;
  lease_token: string | null;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  cursor_json: string | null;
  total: number;
  last_result_json: string | null;
}

export type JobName = "reconcile" | "retention";

export interface JobLease {
  token: string;
  job: JobRow;
}

/**
 * Leases the job for one run: nobody holds it, and either `force`, an unfinished run left a cursor
 * (and did not fail: a failed run waits for its interval), or the last run started at or before `dueBefore`. The claim itself is the check (no read first),
 * so two isolates' crons in the same minute get one run between them.
 */
export async function leaseJob(
  db: D1Database,
  name: JobName,
  now: Date,
  options: { dueBefore: Date; leaseMs: number; force: boolean },
): Promise<JobLease | null> {
  const at = now.toISOString();
  const token = crypto.randomUUID();
  const [, claim] = await db.batch<JobRow>([
    db.prepare("INSERT INTO jobs (name) VALUES (?1) ON CONFLICT (name) DO NOTHING").bind(name),
    db
      .prepare(
        `UPDATE jobs SET lease_until = ?2, lease_token = ?3, last_run_at = ?4
         WHERE name = ?1 AND (lease_until IS NULL OR lease_until < ?4)
           AND (?6 = 1 OR (cursor_json IS NOT NULL AND last_error IS NULL) OR last_run_at IS NULL OR last_run_at <= ?5)
         RETURNING *`,
      )
      .bind(
        name,
        new Date(now.getTime() + options.leaseMs).toISOString(),
        token,
        at,
        options.dueBefore.toISOString(),
        options.force ? 1 : 0,
      ),
  ]);
  const job = claim?.results[0];
  return job ? { token, job } : null;
}

export interface JobOutcome {
  ok: boolean;
  error: string | null;
  cursorJson: string | null; // null: the run finished its work
  added: number; // added to `total`
  resultJson: string;
}

/** Releases the job with its outcome, fenced on the lease: a run whose lease expired changes nothing. */
export function finishJobStatement(db: D1Database, name: JobName, token: string, outcome: JobOutcome, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE jobs SET lease_until = NULL, lease_token = NULL, cursor_json = ?3, total = total + ?4, last_result_json = ?5,
         last_error = ?6, last_success_at = iif(?7 = 1, ?8, last_success_at),
         consecutive_failures = iif(?7 = 1, 0, consecutive_failures + 1)
       WHERE name = ?1 AND lease_token = ?2
       RETURNING consecutive_failures`,
    )
    .bind(name, token, outcome.cursorJson, outcome.added, outcome.resultJson, outcome.error, outcome.ok ? 1 : 0, now.toISOString());
}

/** Saves progress mid-run (fenced on the lease), so a Worker killed between pages resumes after the last one. */
export const saveCursorStatement = (
  db: D1Database,
  name: JobName,
  token: string,
  cursorJson: string | null,
  added: number,
): D1PreparedStatement =>
  db
    .prepare("UPDATE jobs SET cursor_json = ?3, total = total + ?4 WHERE name = ?1 AND lease_token = ?2")
    .bind(name, token, cursorJson, added);

export async function getJob(db: D1Database, name: JobName): Promise<JobRow | null> {
  return db.prepare("SELECT * FROM jobs WHERE name = ?1").bind(name).first<JobRow>();
}

/** Extends a held lease (fenced on its token): a run renews a short lease page by page, so a crashed one blocks the next only briefly. */
export const renewLeaseStatement = (db: D1Database, name: JobName, token: string, until: Date): D1PreparedStatement =>
  db.prepare("UPDATE jobs SET lease_until = ?3 WHERE name = ?1 AND lease_token = ?2").bind(name, token, until.toISOString());
